#include "analysis/certificate.hpp"

#include "analysis/search.hpp"

namespace loopcert::analysis {

RunCertificate certify_run(const compile::Predictors& predict, const ScalarSpec& scalar, const Rational& lambda) {
  RunCertificate c;
  c.exact = predict.exact(to_double(lambda), 1);
  c.at_scalar = predict.at_scalar(scalar)(lambda);
  if (!c.at_scalar) {
    c.needs_bits = predict.bits(lambda);
    c.needs_lambda = predicted_lambda_at(predict, scalar, Rational(1, 2));
  }
  return c;
}

}  // namespace loopcert::analysis
