// The USL fit against points drawn from known parameters, and its refusals.
#include "capacity/usl_fit.h"

#include <gtest/gtest.h>

#include <cmath>

namespace nest::host {
namespace {

constexpr double kLambda = 1000, kSigma = 0.05, kKappa = 0.001;
const std::vector<double> kServers = {1, 2, 4, 8, 16, 32};

double usl(double n, double lambda = kLambda, double sigma = kSigma, double kappa = kKappa) {
  return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

// Points at kServers from the known parameters, each multiplied by factors[i] (noise).
std::vector<UslPoint> points(const std::vector<double>& factors = {}, double sigma = kSigma,
                             double kappa = kKappa) {
  std::vector<UslPoint> result;
  for (size_t i = 0; i < kServers.size(); ++i) {
    double factor = factors.empty() ? 1 : factors[i];
    result.push_back({kServers[i], usl(kServers[i], kLambda, sigma, kappa) * factor,
                      "run" + std::to_string(i) + ".json"});
  }
  return result;
}

TEST(UslFit, RecoversKnownParameters) {
  UslFit fit = fit_usl(points());
  EXPECT_NEAR(fit.lambda, kLambda, kLambda * 0.01);
  EXPECT_NEAR(fit.sigma, kSigma, kSigma * 0.03);
  EXPECT_NEAR(fit.kappa, kKappa, kKappa * 0.03);
  EXPECT_GT(fit.r_squared, 0.9999);
  EXPECT_EQ(fit.min_servers, 1);
  EXPECT_EQ(fit.max_servers, 32);
  EXPECT_EQ(fit.points, 6);
  EXPECT_NEAR(fit.predict(8), usl(8), 1);
}

TEST(UslFit, PeakIsWhereTheDerivativeVanishes) {
  UslFit fit = fit_usl(points());
  // By hand: N* = sqrt((1 - 0.05) / 0.001) = sqrt(950) = 30.822; C(N*) = 9,037.98.
  ASSERT_TRUE(fit.peak_servers.has_value());
  EXPECT_NEAR(*fit.peak_servers, 30.822, 0.3);
  EXPECT_NEAR(*fit.peak_servers, std::sqrt((1 - fit.sigma) / fit.kappa), 1e-9);
  ASSERT_TRUE(fit.peak_capacity.has_value());
  EXPECT_NEAR(*fit.peak_capacity, 9037.98, 9037.98 * 0.005);
}

TEST(UslFit, StopsPayingWhereTheNextServerAddsLessThanHalfOfOne) {
  UslFit fit = fit_usl(points());
  // By hand: C(6) = 4,615.38, C(7) = 5,216.10, C(8) = 5,689.90; C(7) - C(6) = 600.7 >= 500,
  // C(8) - C(7) = 473.8 < 500 = λ/2: the 8th server is the first that adds less than half.
  ASSERT_TRUE(fit.stops_paying_at.has_value());
  EXPECT_EQ(*fit.stops_paying_at, 7);
  // And by brute force on the true curve.
  double expected = 0;
  for (double n = 1; n < 10000; ++n) {
    if (usl(n + 1) - usl(n) < kLambda / 2) {
      expected = n;
      break;
    }
  }
  EXPECT_EQ(*fit.stops_paying_at, expected);
}

TEST(UslFit, ToleratesTwoPercentNoise) {
  // A deterministic ±2% pattern. Tolerances: λ within 3%, σ within ±0.02, κ within ±30%; the
  // noise moves each point by up to 2%, which moves σ and κ (small numbers) by more.
  UslFit fit = fit_usl(points({1.02, 0.98, 1.02, 0.98, 1.02, 0.98}));
  EXPECT_NEAR(fit.lambda, kLambda, kLambda * 0.03);
  EXPECT_NEAR(fit.sigma, kSigma, 0.02);
  EXPECT_NEAR(fit.kappa, kKappa, kKappa * 0.3);
  EXPECT_GT(fit.r_squared, 0.95);
  ASSERT_TRUE(fit.peak_servers.has_value());
  EXPECT_NEAR(*fit.peak_servers, 30.822, 30.822 * 0.2);
}

TEST(UslFit, FitsNoWorseThanTheTrueParameters) {
  // The fit minimises the error on C: its SSE is no worse than that of the true parameters.
  std::vector<UslPoint> noisy = points({1.02, 0.98, 0.99, 1.01, 1.02, 0.97});
  UslFit fit = fit_usl(noisy);
  double fitted = 0, truth = 0;
  for (const UslPoint& p : noisy) {
    fitted += std::pow(p.capacity - fit.predict(p.servers), 2);
    truth += std::pow(p.capacity - usl(p.servers), 2);
  }
  EXPECT_LE(fitted, truth);
}

TEST(UslFit, LinearDataHasNoContentionAndNoPeak) {
  UslFit fit = fit_usl(points({}, 0, 0));
  EXPECT_NEAR(fit.lambda, kLambda, kLambda * 1e-6);
  EXPECT_NEAR(fit.sigma, 0, 1e-6);
  EXPECT_NEAR(fit.kappa, 0, 1e-8);
  EXPECT_FALSE(fit.peak_servers.has_value());
  EXPECT_FALSE(fit.peak_capacity.has_value());
  EXPECT_FALSE(fit.stops_paying_at.has_value());
}

TEST(UslFit, ContentionOnlyHasNoPeakButStopsPaying) {
  UslFit fit = fit_usl(points({}, 0.1, 0));
  EXPECT_NEAR(fit.sigma, 0.1, 0.001);
  EXPECT_EQ(fit.kappa, 0);
  EXPECT_FALSE(fit.peak_servers.has_value());
  // By hand: C(N+1) - C(N) = λ·0.9 / ((1 + 0.1(N - 1))(1 + 0.1N)); at N = 3 it is
  // 900 / (1.2 × 1.3) = 576.9, at N = 4 it is 900 / (1.3 × 1.4) = 494.5 < 500.
  ASSERT_TRUE(fit.stops_paying_at.has_value());
  EXPECT_EQ(*fit.stops_paying_at, 4);
}

TEST(UslFit, FlatDataFitsExactlyWithoutAPeak) {
  // σ = 1: every server count gives λ.
  UslFit fit = fit_usl({{1, 500, "a"}, {2, 500, "b"}, {4, 500, "c"}, {8, 500, "d"}});
  EXPECT_NEAR(fit.lambda, 500, 1e-6);
  EXPECT_NEAR(fit.sigma, 1, 1e-9);
  EXPECT_FALSE(fit.peak_servers.has_value());
  EXPECT_EQ(fit.r_squared, 1);
  EXPECT_EQ(fit.stops_paying_at, 1);
}

TEST(UslFit, RepeatedServerCountsAreFine) {
  std::vector<UslPoint> data = points();
  data.push_back({8, usl(8) * 1.01, "again.json"});
  data.push_back({8, usl(8) * 0.99, "again2.json"});
  UslFit fit = fit_usl(data);
  EXPECT_NEAR(fit.sigma, kSigma, 0.005);
}

TEST(UslFit, TwoPointsNameBothSources) {
  try {
    fit_usl({{1, 1000, "a.json"}, {2, 1900, "b.json"}});
    FAIL() << "no error";
  } catch (const UslFitError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("three or more different server counts"), std::string::npos) << what;
    EXPECT_NE(what.find("got 2"), std::string::npos) << what;
    EXPECT_NE(what.find("a.json: 1 server"), std::string::npos) << what;
    EXPECT_NE(what.find("b.json: 2 servers"), std::string::npos) << what;
  }
}

TEST(UslFit, NoPointsIsAnError) { EXPECT_THROW(fit_usl({}), UslFitError); }

TEST(UslFit, ThreePointsAtTwoServerCountsThrow) {
  try {
    fit_usl({{1, 1000, "a.json"}, {2, 1900, "b.json"}, {2, 1950, "c.json"}});
    FAIL() << "no error";
  } catch (const UslFitError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("only 2 different server counts"), std::string::npos) << what;
    EXPECT_NE(what.find("c.json"), std::string::npos) << what;
  }
}

TEST(UslFit, NonPositiveValuesNameTheirSource) {
  try {
    fit_usl({{1, 1000, "a.json"}, {0, 1900, "zero.json"}, {4, 3000, "c.json"}});
    FAIL() << "no error";
  } catch (const UslFitError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("zero.json"), std::string::npos) << what;
    EXPECT_NE(what.find("servers"), std::string::npos) << what;
  }
  try {
    fit_usl({{1, 1000, "a.json"}, {2, 1900, "b.json"}, {4, -3, "neg.json"}});
    FAIL() << "no error";
  } catch (const UslFitError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("neg.json"), std::string::npos) << what;
    EXPECT_NE(what.find("capacity"), std::string::npos) << what;
  }
  EXPECT_THROW(fit_usl({{1, 1000, "a"}, {2, NAN, "b"}, {4, 3000, "c"}}), UslFitError);
}

TEST(UslFit, WarnsFarBeyondTheMeasuredRange) {
  UslFit fit = fit_usl(points());
  auto far = extrapolation_warning(fit, 100);
  ASSERT_TRUE(far.has_value());
  EXPECT_NE(far->find("32"), std::string::npos) << *far;
  EXPECT_FALSE(extrapolation_warning(fit, 20).has_value());
  EXPECT_FALSE(extrapolation_warning(fit, 64).has_value());
  EXPECT_TRUE(extrapolation_warning(fit, 65).has_value());
  EXPECT_TRUE(extrapolation_warning(fit, 0.5).has_value());
}

TEST(UslFit, Deterministic) {
  auto data = points({1.02, 0.98, 1.02, 0.98, 1.02, 0.98});
  UslFit a = fit_usl(data), b = fit_usl(data);
  EXPECT_EQ(a.lambda, b.lambda);
  EXPECT_EQ(a.sigma, b.sigma);
  EXPECT_EQ(a.kappa, b.kappa);
}

}  // namespace
}  // namespace nest::host
