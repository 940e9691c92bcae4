#include "cli/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace loopcert::cli {

namespace {

// LOOPCERT_PROGRESS_AFTER=S shows progress after S seconds instead of 2 (the tests use 0).
std::chrono::steady_clock::duration quiet_time() {
  const char* text = std::getenv("LOOPCERT_PROGRESS_AFTER");
  const double seconds = text ? std::atof(text) : 2.0;
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds >= 0 ? seconds : 2.0));
}

}  // namespace

Progress::Progress(std::string job, std::string unit, std::int64_t total)
    : job_(std::move(job)), unit_(std::move(unit)), total_(total), start_(std::chrono::steady_clock::now()), next_(start_ + quiet_time()) {}

Progress::~Progress() { finish(); }

void Progress::tick(std::int64_t done) { tick(done, std::string()); }

void Progress::tick(std::int64_t done, const std::string& detail) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now < next_) return;
  next_ = now + std::chrono::seconds(1);
  if (!shown_) std::cerr << job_ << "\n";
  shown_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  char line[160];
  std::snprintf(line, sizeof line, "  ... %lld of %lld %s (%.3g%%), %.0f s", static_cast<long long>(done), static_cast<long long>(total_),
                unit_.c_str(), total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 0.0, seconds);
  std::string text = line;
  if (!detail.empty()) text += "; " + detail;
  const std::size_t width = text.size();
  if (text.size() < width_) text.append(width_ - text.size(), ' ');  // over the longer line before
  std::cerr << "\r" << text << std::flush;
  width_ = width;
  drawn_ = true;
}

void Progress::clear_line() {
  if (drawn_) std::cerr << "\r" << std::string(std::max<std::size_t>(width_, 70), ' ') << "\r" << std::flush;
  drawn_ = false;
  width_ = 0;
}

void Progress::note(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  clear_line();
  std::cerr << line << "\n" << std::flush;
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  clear_line();
  shown_ = false;
}

}  // namespace loopcert::cli
