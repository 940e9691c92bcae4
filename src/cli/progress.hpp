// Progress of a long job on stderr (issue 16, item 3), with --json too (stdout stays
// the result). Quiet for a job that ends within its first two seconds (or
// LOOPCERT_PROGRESS_AFTER seconds); after that, once
// the size of the job (stated at construction) and then one line at most every second,
// rewritten in place with '\r'. finish() clears the line. Thread-safe.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace loopcert::cli {

class Progress {
 public:
  // `job`: what runs and how much of it, e.g. "run: at most 10^12 steps of gcd.sq";
  // `unit`: what tick() counts ("steps", "trials").
  Progress(std::string job, std::string unit, std::int64_t total);
  ~Progress();
  void tick(std::int64_t done);  // reads the clock: call it every few thousand units of work
  // The same, with what the current unit is doing (e.g. "fitted m = 512: certificate
  // cells 640 of 400000") after the count.
  void tick(std::int64_t done, const std::string& detail);
  // A whole line on stderr (a search's verdict per run): the progress line, if shown, is
  // cleared first and redrawn at the next tick.
  void note(const std::string& line);
  void finish();

 private:
  std::string job_, unit_;
  std::int64_t total_;
  std::chrono::steady_clock::time_point start_, next_;
  bool shown_ = false, drawn_ = false;  // the job line was printed; a progress line is on screen
  std::size_t width_ = 0;               // the length of the progress line on screen
  void clear_line();
  std::mutex mutex_;                    // tick and note may come from worker threads
};

}  // namespace loopcert::cli
