// Runs fn(i) for i in [0, count) on up to `threads` threads, each taking the next index.
// The first exception thrown by any call is rethrown after every thread has joined.
// Each worker frees MPFR's per-thread caches (constants such as log 2 and pi that
// mpfr_exp fills) before it ends: MPFR keeps them in thread-local storage and never
// frees them itself, so every worker that ran an MPFR exp would otherwise leak them.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <mpfr.h>

namespace loopcert {

template <class Fn>
void parallel_for(std::size_t count, int threads, Fn&& fn) {
  threads = std::max(1, std::min<int>(threads, static_cast<int>(count)));
  if (threads == 1) {
    for (std::size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) {
        try {
          fn(i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (!error) error = std::current_exception();
        }
      }
      mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    });
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace loopcert
