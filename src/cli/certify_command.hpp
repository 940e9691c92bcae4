// `loopcert certify PROGRAM --exhaustive [--scalar S] [--lambda L] [--json]`: a proof by
// exhaustion that the program's looped transformer is correct forever at a scalar
// (cert/exhaustive.hpp); with --lemma read|write instead, a block certificate over intervals
// (cli/certify_command_block.hpp). Exit 0 certified, 1 refuted or not proved, 2 bad input.
#pragma once
#include <CLI/CLI.hpp>

#include "cli/common.hpp"

namespace loopcert::cli {

void add_certify_command(CLI::App& app, Handler& handler);

}  // namespace loopcert::cli
