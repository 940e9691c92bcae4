// `loopcert certify (PROGRAM | --layout s,m,n,N) [--scalar S] [--lambda L] [--json]`
// without --exhaustive or --lemma: the loop certificate of cert/loop_certificate.hpp.
#pragma once
#include <string>

#include "cli/program_source.hpp"

namespace loopcert::cli {

struct LoopCertifyArgs {
  std::string scalar = "double", lambda;
  int witness_samples = 200;
  bool json = false;
};

// Exit 0 certified, 1 refuted or unknown, 2 bad input (UsageError).
int certify_loop_command(const ProgramSource& source, const LoopCertifyArgs& args);

}  // namespace loopcert::cli
