// loopcert: the command line (DESIGN.md section 7).
// Exit status: 0 success, 1 a check failed, 2 bad usage or bad input.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/common.hpp"
#include "cli/certify_command.hpp"
#include "cli/report_command.hpp"
#include "cli/run_command.hpp"
#include "cli/search_command.hpp"
#include "cli/strict_options.hpp"
#include "cli/verify_command.hpp"
#include "core/input_error.hpp"
#include "tf/layout.hpp"

int main(int argc, char** argv) {
  using namespace loopcert::cli;
  CLI::App app{"loopcert: verification and precision analysis for looped transformers (Giannou et al., ICML 2023)"};
  app.require_subcommand(1);
  Handler handler;
  add_run_command(app, handler);
  add_verify_command(app, handler);
  add_search_command(app, handler);
  add_report_command(app, handler);
  add_certify_command(app, handler);
  add_strict_value_checks(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kBadInput;
  }
  try {
    const int status = handler ? handler() : kBadInput;
    // A result that could not be written (a full disk, a closed pipe) is not a result.
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "loopcert: error: writing to standard output failed\n";
      return kBadInput;
    }
    return status;
  } catch (const UsageError& e) {
    std::cerr << "loopcert: error: " << e.what() << "\n";
    return kBadInput;
  } catch (const loopcert::InputError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "loopcert: internal error: " << e.what() << "\n";
    return 3;
  }
}
