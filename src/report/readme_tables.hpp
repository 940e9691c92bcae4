// The README's measured tables (section "Precision and temperature, measured"),
// generated from the same search results that `loopcert search` prints and written
// between the markers <!-- BEGIN lambda-table --> ... and <!-- BEGIN precision-table -->
// ... (`loopcert report readme`). Columns that follow from the bounds alone (n, N, the
// default lambda, the predictions) are deterministic; tests/test_readme_tables.cpp
// recomputes them and compares them with the README.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "report/error_report.hpp"

namespace loopcert::report {

struct ReadmeRow {
  std::string program;
  int columns = 0, bits = 0;
  double default_lambda = 0;
  double predicted_lambda = 0;        // bounds, exact arithmetic, on the grid of R = 1/20
  int predicted_bits = -1;            // at the default lambda
  // Measured (absent with measure = false).
  std::optional<double> lambda_min, lambda_max;
  bool measured = false;
  std::optional<long> bits_min;
  std::vector<long> non_monotone;
};

// `measure`: also run the searches (minutes); otherwise only the deterministic columns.
std::vector<ReadmeRow> readme_rows(const std::vector<ReportProgram>& programs, bool measure, int jobs);

// The two tables; measured cells read "-" when the row was not measured.
std::string lambda_table(const std::vector<ReadmeRow>& rows);
std::string precision_table(const std::vector<ReadmeRow>& rows);

// The deterministic columns of a table's rows, as text: {program, n, N, default, predicted}
// from lambda_table, {program, N, lambda, predicted} from precision_table; read from any
// Markdown table of that shape (the README's, or a generated one).
std::vector<std::vector<std::string>> deterministic_cells(const std::string& table, bool lambda);

}  // namespace loopcert::report
