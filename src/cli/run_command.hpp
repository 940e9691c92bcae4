// `loopcert run`: the transformer and the reference machine in lockstep.
#pragma once
#include <CLI/CLI.hpp>

#include "cli/common.hpp"

namespace loopcert::cli {
void add_run_command(CLI::App& app, Handler& handler);
}
