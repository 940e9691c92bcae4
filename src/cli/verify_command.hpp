// `loopcert verify`: the lemma table, bound against observed error.
#pragma once
#include <CLI/CLI.hpp>

#include "cli/common.hpp"

namespace loopcert::cli {
void add_verify_command(CLI::App& app, Handler& handler);
}
