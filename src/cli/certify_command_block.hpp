// `loopcert certify --lemma read|write (PROGRAM | --layout s,m,n,N) [--delta D]
// [--splits K] [--scalar S] [--lambda L] [--json]`: the block certificates of
// cert/block_certificate.hpp, printed beside the paper's bounds.
#pragma once
#include <string>

#include "cli/program_source.hpp"
#include "isa/subleq/program.hpp"

namespace loopcert::cli {

struct BlockCertifyArgs {
  std::string lemma, scalar = "double", lambda, delta = "0";
  int splits = 0;
  bool json = false;
};

// --layout s,m,n,N alone: a program of that shape (m zero cells, halts as commands),
// for the certificates that hold for every command table and memory of a layout.
isa::SubleqProgram layout_only_program(const std::string& text);

// Exit 0 certified, 1 unknown, 2 bad input (UsageError).
int certify_block_command(const ProgramSource& source, const BlockCertifyArgs& args);

}  // namespace loopcert::cli
