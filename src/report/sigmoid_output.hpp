// What `verify sigmoid` and `search terms` print: a table or one JSON object (the keys
// sorted, as these commands have always printed them), from the result structs of
// cert/sigmoid_verify.hpp and cert/sigmoid_term_search.hpp.
#pragma once
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "blocks/sigmoid.hpp"
#include "cert/sigmoid_term_search.hpp"
#include "cert/sigmoid_verify.hpp"

namespace loopcert::report {

// v with `digits` significant digits ("1.23e-04"), or inf / -inf / nan.
std::string sci(double v, int digits = 3);
// The largest |a|, |b|, |scale c| of the block / the largest |scale c|.
double max_weight(const blocks::SigmoidBlock& b);
double max_value_weight(const blocks::SigmoidBlock& b);
// "alpha=6" or "beta=1/2" (one value per channel, comma-separated).
std::string width_text(const blocks::SigmoidBlock& b);

nlohmann::json verify_sigmoid_json(const cert::VerifyResult& r);
void print_verify_sigmoid(std::ostream& out, const cert::VerifyResult& r);

nlohmann::json search_terms_json(const cert::SearchTermsResult& r);
void print_search_terms(std::ostream& out, const cert::SearchTermsResult& r);

}  // namespace loopcert::report
