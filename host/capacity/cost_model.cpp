#include "capacity/cost_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace nest::host {
namespace {

constexpr double kRounding = 1e-12;  // relative: floor and ceil forgive floating-point error

// "price_per_hour ([cost] price_per_hour or --price-per-hour)".
std::string where_to_give(const std::string& key) {
  std::string flag = key;
  for (char& c : flag) c = c == '_' ? '-' : c;
  return key + " ([cost] " + key + " or --" + flag + ")";
}

// A number for people: whole numbers as integers, others with up to two decimals (three
// significant digits below 1), thousands separated by commas.
std::string readable(double value, int decimals = -1) {
  if (!std::isfinite(value)) return std::to_string(value);
  double magnitude = std::fabs(value);
  bool trim = decimals < 0;
  if (decimals < 0) {
    if (std::fabs(value - std::round(value)) <= 1e-9 * std::max(1.0, magnitude)) {
      decimals = 0;
    } else if (magnitude >= 1) {
      decimals = 2;
    } else {
      decimals = std::min(9, 2 - static_cast<int>(std::floor(std::log10(magnitude))));
    }
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  std::string s = text;
  if (trim && s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  size_t begin = s[0] == '-' ? 1 : 0;
  size_t end = s.find('.');
  if (end == std::string::npos) end = s.size();
  for (size_t at = end; at > begin + 3; at -= 3) s.insert(at - 3, ",");
  return s;
}

std::string percent(double fraction) { return readable(fraction * 100) + "%"; }

// An amount of money with its currency: "3.20 USD", "$3.20", "3.20"; `per` ("/h") after.
std::string money(double amount, const std::string& currency, const std::string& per = "") {
  std::string number = readable(amount, 2);
  if (currency.empty()) return number + per;
  bool word = std::isalpha(static_cast<unsigned char>(currency.front()));
  return word ? number + " " + currency + per : currency + number + per;
}

// " (nest.ini:12)", or nothing when the source is unknown.
std::string from(const CostInput& input) {
  return input.source.empty() ? "" : " (" + input.source + ")";
}

std::string range_problem(const std::string& key, const CostInput& input, const char* rule) {
  return key + " is " + readable(*input.value) + from(input) + ": " + rule;
}

void check_positive(std::vector<std::string>& problems, const std::string& key,
                    const CostInput& input) {
  if (input.value && !(std::isfinite(*input.value) && *input.value > 0)) {
    problems.push_back(range_problem(key, input, "it must be a positive number"));
  }
}

void check_needed(std::vector<std::string>& problems, const std::string& key,
                  const CostInput& input, const char* what) {
  if (!input.value) problems.push_back("missing " + where_to_give(key) + ": " + what);
}

}  // namespace

bool CostInputs::any() const {
  for (const CostInput* input :
       {&price_per_hour, &servers, &requests_per_customer_per_hour, &sessions_per_customer_per_hour,
        &peak_factor, &headroom, &customers}) {
    if (input->value) return true;
  }
  return !currency.empty();
}

std::vector<std::string> check_cost_inputs(const CostInputs& inputs, bool open_model) {
  std::vector<std::string> problems;
  check_needed(problems, "price_per_hour", inputs.price_per_hour,
               "the price per hour of the system under test as tested, all its servers");
  check_positive(problems, "price_per_hour", inputs.price_per_hour);
  check_needed(problems, "servers", inputs.servers,
               "how many servers the tested configuration has");
  check_positive(problems, "servers", inputs.servers);

  const CostInput& requests = inputs.requests_per_customer_per_hour;
  const CostInput& sessions = inputs.sessions_per_customer_per_hour;
  if (!requests.value && !sessions.value) {
    problems.push_back(
        "missing the customer model: " + where_to_give("requests_per_customer_per_hour") +
        ", an average customer's requests in an average hour" +
        (open_model ? ", or " + where_to_give("sessions_per_customer_per_hour") +
                          ", their sessions (visits) in an average hour"
                    : ""));
  } else if (requests.value && sessions.value) {
    problems.push_back("two customer models: requests_per_customer_per_hour" + from(requests) +
                       " and sessions_per_customer_per_hour" + from(sessions) +
                       " are both given; give one of them");
  }
  if (sessions.value && !open_model) {
    problems.push_back("sessions_per_customer_per_hour" + from(sessions) +
                       " needs the open model (--steps arrivals), whose capacity is in "
                       "sessions/s; this search steps users: give " +
                       where_to_give("requests_per_customer_per_hour") + " instead");
  }
  check_positive(problems, "requests_per_customer_per_hour", requests);
  check_positive(problems, "sessions_per_customer_per_hour", sessions);

  check_needed(problems, "peak_factor", inputs.peak_factor,
               "the peak hour's load / the average hour's (1 or more)");
  if (inputs.peak_factor.value &&
      !(std::isfinite(*inputs.peak_factor.value) && *inputs.peak_factor.value >= 1)) {
    problems.push_back(range_problem("peak_factor", inputs.peak_factor,
                                     "it must be at least 1 (the peak hour's load / the average "
                                     "hour's)"));
  }
  check_needed(problems, "headroom", inputs.headroom,
               "the fraction of capacity kept free, from 0 to below 1 (0.3 for 30%)");
  if (inputs.headroom.value && !(*inputs.headroom.value >= 0 && *inputs.headroom.value < 1)) {
    problems.push_back(range_problem("headroom", inputs.headroom,
                                     "it must be a fraction from 0 to below 1 (0.3 for 30%)"));
  }
  check_positive(problems, "customers", inputs.customers);
  return problems;
}

CostReport cost_report(const CostInputs& inputs, const MeasuredCapacity& capacity) {
  bool open_model = capacity.sessions_per_s.has_value();
  std::vector<std::string> problems = check_cost_inputs(inputs, open_model);
  if (!problems.empty()) {
    std::string text = "cannot compute the cost figures:";
    for (const std::string& problem : problems) text += "\n  " + problem;
    throw CostError(text);
  }
  bool by_sessions = inputs.sessions_per_customer_per_hour.value.has_value();
  double rate = by_sessions ? *capacity.sessions_per_s : capacity.requests_per_s;
  std::string per_s = by_sessions ? "sessions/s" : "req/s";
  double per_customer = by_sessions ? *inputs.sessions_per_customer_per_hour.value
                                    : *inputs.requests_per_customer_per_hour.value;
  std::string per_customer_unit = by_sessions ? "sessions/customer/h" : "req/customer/h";
  double price = *inputs.price_per_hour.value;
  double servers = *inputs.servers.value;
  double peak = *inputs.peak_factor.value;
  double headroom = *inputs.headroom.value;
  const std::string& currency = inputs.currency;
  std::string per_month = currency.empty() ? "per month" : currency + "/month";

  if (!(std::isfinite(rate) && rate > 0)) {
    throw CostError("the capacity measured is " + readable(rate) + " " + per_s +
                    ": no customer can be served, so there are no cost figures");
  }
  double usable = rate * (1 - headroom);
  double peak_per_customer = per_customer * peak / 3600;
  double exact = usable * 3600 / (per_customer * peak);
  double supported = std::floor(exact * (1 + kRounding));
  if (supported < 1) {
    throw CostError("the usable capacity (" + readable(usable) + " " + per_s +
                    ") cannot carry one customer at peak (" + readable(peak_per_customer) + " " +
                    per_s + " each): no cost figures");
  }

  CostReport report;
  report.figures.push_back({"customers supported", supported, "customers",
                            readable(rate) + " " + per_s + " × (1 − " + percent(headroom) +
                                ") × 3,600 / (" + readable(per_customer) + " " + per_customer_unit +
                                " × peak " + readable(peak) + ") = " + readable(supported) +
                                (supported != exact ? " (rounded down)" : "")});
  double month = price * kHoursPerMonth;
  double per_thousand = month * 1000 / supported;
  report.figures.push_back({"cost per 1,000 customers per month", per_thousand, per_month,
                            money(price, currency, "/h") +
                                " × 730 h = " + money(month, currency, "/month") + "; × 1,000 / " +
                                readable(supported) +
                                " customers = " + money(per_thousand, currency, "/month")});

  report.assumptions.push_back("a month is 730 hours (8,760 / 12)");
  report.assumptions.push_back(
      "the price covers the system under test as tested: " + readable(servers) +
      (servers == 1 ? " server" : " servers") + " at " + money(price, currency, "/h"));
  report.assumptions.push_back("customers behave as the tasksets' mix: an average customer makes " +
                               readable(per_customer) + (by_sessions ? " sessions" : " requests") +
                               " in an average hour, like those measured");
  report.assumptions.push_back("the peak hour decides the servers: its load is " + readable(peak) +
                               "× the average hour's");
  report.assumptions.push_back(percent(headroom) + " of capacity is kept free (headroom)");

  if (inputs.customers.value) {
    double customers = *inputs.customers.value;
    double ratio = servers * customers / supported;
    double needed = std::ceil(ratio * (1 - kRounding));
    std::string target = readable(customers) + " customers";
    report.figures.push_back({"servers needed for " + target, needed, "servers",
                              "ceil(" + readable(servers) + " servers × " + target + " / " +
                                  readable(supported) + " customers) = ceil(" + readable(ratio) +
                                  ") = " + readable(needed)});
    double cost = needed * (price / servers) * kHoursPerMonth;
    report.figures.push_back({"monthly cost for " + target, cost, per_month,
                              readable(needed) + " servers × (" + money(price, currency, "/h") +
                                  " / " + readable(servers) +
                                  " servers) × 730 h = " + money(cost, currency, "/month")});
    report.assumptions.push_back(
        "capacity scales linearly with servers (measure several server counts and run "
        "`nest-host capacity fit` to know better)");
  }
  return report;
}

}  // namespace nest::host
