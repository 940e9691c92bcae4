// `loopcert report KIND [--out FILE]`: the Markdown reports checked into reports/,
// regenerated from the code that measures them. KIND is `sigmoid` (reports/sigmoid.md)
// for now; DESIGN.md section 7's error report (HTML + SVG) will be another kind.
#pragma once
#include <CLI/CLI.hpp>

#include "cli/common.hpp"

namespace loopcert::cli {

void add_report_command(CLI::App& app, Handler& handler);

}  // namespace loopcert::cli
