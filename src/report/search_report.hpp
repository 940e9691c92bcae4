// The reports of `loopcert search`: JSON, text and the grid's CSV and phase diagram.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/search.hpp"

namespace loopcert::report {

struct SearchContext {
  std::string program;      // the source, as given
  std::string description;  // text: what follows the program's name, e.g. "N = 8, 12 commands"
};

nlohmann::json precision_json(const analysis::PrecisionSearch& s, const SearchContext& c, const Rational& lambda, bool lambda_default,
                              double predicted_lambda);
std::string precision_text(const analysis::PrecisionSearch& s, const SearchContext& c, const Rational& lambda, bool lambda_default);
nlohmann::json lambda_json(const analysis::LambdaSearch& s, const SearchContext& c);
std::string lambda_text(const analysis::LambdaSearch& s, const SearchContext& c);
std::string grid_csv(const analysis::GridSearch& s);  // header bits,lambda,agree,first_divergent_loop,field,loops,predicted
nlohmann::json grid_json(const analysis::GridSearch& s, const SearchContext& c);
// Rows: bits (high to low); columns: lambda first..last by step; 'p' agrees where predicted, '#'
// agrees beyond the prediction, '.' diverges, '!' diverges where agreement is predicted.
std::string grid_phase_diagram(const analysis::GridSearch& s, const Rational& first, const Rational& last, const Rational& step);

}  // namespace loopcert::report
