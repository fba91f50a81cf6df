// The cost model against figures computed by hand, and its refusals of missing or wrong inputs.
#include "capacity/cost_model.h"

#include <gtest/gtest.h>

namespace nest::host {
namespace {

// The inputs of the worked example, each from a flag.
CostInputs example() {
  CostInputs in;
  in.price_per_hour = {3.20, "--price-per-hour"};
  in.servers = {2, "--servers"};
  in.requests_per_customer_per_hour = {120, "--requests-per-customer-per-hour"};
  in.peak_factor = {2, "--peak-factor"};
  in.headroom = {0.25, "--headroom"};
  in.currency = "USD";
  return in;
}

const MeasuredCapacity kClosed{800, std::nullopt};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The problems, joined, for messages and searches.
std::string problems(const CostInputs& in, bool open_model = false) {
  std::string all;
  for (const std::string& p : check_cost_inputs(in, open_model)) all += p + "\n";
  return all;
}

const CostFigure* figure(const CostReport& report, const std::string& what_prefix) {
  for (const CostFigure& f : report.figures) {
    if (f.what.rfind(what_prefix, 0) == 0) return &f;
  }
  return nullptr;
}

TEST(CostModel, WorkedExample) {
  CostInputs in = example();
  in.customers = {1'000'000, "--customers"};
  ASSERT_EQ(problems(in), "");
  CostReport report = cost_report(in, kClosed);
  // By hand: usable = 800 × (1 − 0.25) = 600 req/s; per customer at peak = 120 × 2 / 3600 =
  // 0.0667 req/s; 600 / 0.0667 = 9,000 customers.
  const CostFigure* customers = figure(report, "customers supported");
  ASSERT_NE(customers, nullptr);
  EXPECT_EQ(customers->value, 9000);
  EXPECT_EQ(customers->unit, "customers");
  EXPECT_EQ(customers->formula,
            "800 req/s × (1 − 25%) × 3,600 / (120 req/customer/h × peak 2) = 9,000");
  // 3.20 × 730 = 2,336 per month; × 1,000 / 9,000 = 259.555… per 1,000 customers.
  const CostFigure* per_thousand = figure(report, "cost per 1,000 customers per month");
  ASSERT_NE(per_thousand, nullptr);
  EXPECT_NEAR(per_thousand->value, 259.5556, 0.0001);
  EXPECT_EQ(per_thousand->unit, "USD/month");
  EXPECT_TRUE(contains(per_thousand->formula, "2,336.00 USD/month")) << per_thousand->formula;
  EXPECT_TRUE(contains(per_thousand->formula, "259.56 USD/month")) << per_thousand->formula;
  // 2 servers × 1,000,000 / 9,000 = 222.2 → 223 servers.
  const CostFigure* servers = figure(report, "servers needed for 1,000,000 customers");
  ASSERT_NE(servers, nullptr);
  EXPECT_EQ(servers->value, 223);
  EXPECT_EQ(servers->unit, "servers");
  // 223 × (3.20 / 2) × 730 = 260,464 per month.
  const CostFigure* monthly = figure(report, "monthly cost for 1,000,000 customers");
  ASSERT_NE(monthly, nullptr);
  EXPECT_NEAR(monthly->value, 260464, 0.001);
  EXPECT_TRUE(contains(monthly->formula, "260,464.00 USD/month")) << monthly->formula;
  bool linear = false;
  for (const std::string& a : report.assumptions) linear |= contains(a, "linearly");
  EXPECT_TRUE(linear);
}

TEST(CostModel, WithoutCustomersOnlyTwoFiguresAndNoScalingAssumption) {
  CostReport report = cost_report(example(), kClosed);
  EXPECT_EQ(report.figures.size(), 2u);
  for (const std::string& a : report.assumptions) EXPECT_FALSE(contains(a, "linearly")) << a;
  bool month = false;
  for (const std::string& a : report.assumptions) month |= contains(a, "730 hours");
  EXPECT_TRUE(month);
}

TEST(CostModel, RoundsCustomersDownAndSaysSo) {
  CostInputs in = example();
  in.headroom = {0.3, "nest.ini:14"};
  // 812.4 × 0.7 × 3600 / (120 × 3) = 5,686.8 → 5,686.
  in.peak_factor = {3, "nest.ini:13"};
  CostReport report = cost_report(in, {812.4, std::nullopt});
  EXPECT_EQ(report.figures[0].value, 5686);
  EXPECT_EQ(report.figures[0].formula,
            "812.4 req/s × (1 − 30%) × 3,600 / (120 req/customer/h × peak 3) = 5,686 (rounded "
            "down)");
}

TEST(CostModel, SessionsModelUsesSessionsPerSecond) {
  CostInputs in = example();
  in.requests_per_customer_per_hour = {};
  in.sessions_per_customer_per_hour = {2, "nest.ini:20"};
  in.currency = "$";
  ASSERT_EQ(problems(in, true), "");
  // 50 sessions/s × 0.75 × 3600 / (2 × 2) = 33,750 customers; 2,336 × 1000 / 33,750 = 69.21.
  CostReport report = cost_report(in, {800, 50.0});
  EXPECT_EQ(report.figures[0].value, 33750);
  EXPECT_TRUE(contains(report.figures[0].formula, "50 sessions/s")) << report.figures[0].formula;
  EXPECT_NEAR(report.figures[1].value, 69.2148, 0.0001);
  EXPECT_EQ(report.figures[1].unit, "$/month");
  EXPECT_TRUE(contains(report.figures[1].formula, "$69.21/month")) << report.figures[1].formula;
}

TEST(CostModel, NamesMissingPrice) {
  CostInputs in = example();
  in.price_per_hour = {};
  std::string all = problems(in);
  EXPECT_TRUE(contains(all, "price_per_hour ([cost] price_per_hour or --price-per-hour)")) << all;
  EXPECT_EQ(check_cost_inputs(in, false).size(), 1u) << all;
}

TEST(CostModel, NamesMissingServers) {
  CostInputs in = example();
  in.servers = {};
  std::string all = problems(in);
  EXPECT_TRUE(contains(all, "servers ([cost] servers or --servers)")) << all;
  EXPECT_EQ(check_cost_inputs(in, false).size(), 1u) << all;
}

TEST(CostModel, NamesMissingCustomerModel) {
  CostInputs in = example();
  in.requests_per_customer_per_hour = {};
  std::string closed = problems(in, false);
  EXPECT_TRUE(contains(closed, "--requests-per-customer-per-hour")) << closed;
  EXPECT_FALSE(contains(closed, "sessions_per_customer_per_hour")) << closed;
  std::string open = problems(in, true);
  EXPECT_TRUE(contains(open, "--requests-per-customer-per-hour")) << open;
  EXPECT_TRUE(contains(open, "--sessions-per-customer-per-hour")) << open;
}

TEST(CostModel, NamesMissingPeakFactor) {
  CostInputs in = example();
  in.peak_factor = {};
  std::string all = problems(in);
  EXPECT_TRUE(contains(all, "peak_factor ([cost] peak_factor or --peak-factor)")) << all;
  EXPECT_EQ(check_cost_inputs(in, false).size(), 1u) << all;
}

TEST(CostModel, NamesMissingHeadroom) {
  CostInputs in = example();
  in.headroom = {};
  std::string all = problems(in);
  EXPECT_TRUE(contains(all, "headroom ([cost] headroom or --headroom)")) << all;
  EXPECT_EQ(check_cost_inputs(in, false).size(), 1u) << all;
}

TEST(CostModel, CustomersAreOptional) {
  CostInputs in = example();
  EXPECT_TRUE(check_cost_inputs(in, false).empty());
}

TEST(CostModel, BothCustomerModelsIsAnError) {
  CostInputs in = example();
  in.sessions_per_customer_per_hour = {3, "nest.ini:9"};
  std::string all = problems(in, true);
  EXPECT_TRUE(contains(all, "both given")) << all;
  EXPECT_TRUE(contains(all, "requests_per_customer_per_hour (--requests-per-customer-per-hour)"))
      << all;
  EXPECT_TRUE(contains(all, "nest.ini:9")) << all;
}

TEST(CostModel, SessionsModelNeedsTheOpenModel) {
  CostInputs in = example();
  in.requests_per_customer_per_hour = {};
  in.sessions_per_customer_per_hour = {3, "nest.ini:9"};
  std::string all = problems(in, false);
  EXPECT_TRUE(contains(all, "needs the open model")) << all;
  EXPECT_TRUE(contains(all, "nest.ini:9")) << all;
  EXPECT_TRUE(problems(in, true).empty());
}

TEST(CostModel, OutOfRangeValuesNameTheirSource) {
  CostInputs in = example();
  in.peak_factor = {0.5, "nest.ini:12"};
  in.headroom = {1, "--headroom"};
  in.price_per_hour = {0, "nest.ini:3"};
  in.servers = {-2, "nest.ini:4"};
  in.requests_per_customer_per_hour = {0, "nest.ini:5"};
  in.customers = {0, "--customers"};
  std::vector<std::string> list = check_cost_inputs(in, false);
  EXPECT_EQ(list.size(), 6u);
  std::string all = problems(in);
  EXPECT_TRUE(contains(all, "peak_factor is 0.5 (nest.ini:12)")) << all;
  EXPECT_TRUE(contains(all, "headroom is 1 (--headroom)")) << all;
  EXPECT_TRUE(contains(all, "price_per_hour is 0 (nest.ini:3)")) << all;
  EXPECT_TRUE(contains(all, "servers is -2 (nest.ini:4)")) << all;
  EXPECT_TRUE(contains(all, "requests_per_customer_per_hour is 0 (nest.ini:5)")) << all;
  EXPECT_TRUE(contains(all, "customers is 0 (--customers)")) << all;
  in = example();
  in.headroom = {-0.1, "nest.ini:7"};
  EXPECT_TRUE(contains(problems(in), "headroom is -0.1 (nest.ini:7)")) << problems(in);
}

TEST(CostModel, ReportThrowsEveryProblem) {
  CostInputs in = example();
  in.price_per_hour = {};
  in.headroom = {2, "--headroom"};
  try {
    cost_report(in, kClosed);
    FAIL() << "no error";
  } catch (const CostError& e) {
    std::string what = e.what();
    EXPECT_TRUE(contains(what, "--price-per-hour")) << what;
    EXPECT_TRUE(contains(what, "is 2 (--headroom)")) << what;
  }
}

TEST(CostModel, ReportRefusesACapacityThatCarriesNoCustomer) {
  EXPECT_THROW(cost_report(example(), {0, std::nullopt}), CostError);
  // 0.01 × 0.75 × 3600 / 240 = 0.1 customers.
  EXPECT_THROW(cost_report(example(), {0.01, std::nullopt}), CostError);
}

TEST(CostModel, AnyMeansTheUserAskedForCosts) {
  CostInputs none;
  EXPECT_FALSE(none.any());
  CostInputs one;
  one.headroom = {0.3, "--headroom"};
  EXPECT_TRUE(one.any());
  CostInputs currency;
  currency.currency = "EUR";
  EXPECT_TRUE(currency.any());
}

}  // namespace
}  // namespace nest::host
