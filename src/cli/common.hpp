// Shared by the loopcert subcommands: exit codes, usage errors and the handler slot
// that each subcommand fills (CLI11 callbacks cannot return an exit status).
#pragma once
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace loopcert::cli {

enum ExitCode { kSuccess = 0, kCheckFailed = 1, kBadInput = 2 };

// Bad usage or bad input: printed as "loopcert: error: MESSAGE", exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Options every `verify` lemma check shares.
struct VerifyCommon {
  std::string scalar = "double";
  int trials = 200;
  std::uint64_t seed = 1;
  bool json = false;
};

using Handler = std::function<int()>;

}  // namespace loopcert::cli
