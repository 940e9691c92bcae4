// Stricter value checks for every option of the command line, added once to the whole
// CLI11 tree after the subcommands are built, so that no subcommand can forget them:
//  - an empty value (`--lambda ''`) is an error, not "use the default";
//  - an integer must be written in full and fit: CLI11 alone lets `--seed -1` wrap to
//    2^64 - 1 and `--max-steps 99999999999999999999` clamp to the largest int64;
//  - a real number (a double option) has the syntax of every real-valued flag
//    (core/real_flag.hpp): decimals and fractions, no hex, no blanks, no subnormals.
#pragma once
#include <CLI/CLI.hpp>

namespace loopcert::cli {

void add_strict_value_checks(CLI::App& app);

}  // namespace loopcert::cli
