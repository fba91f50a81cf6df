// From a measured capacity, the customers it supports and what they cost. Pure functions of
// their inputs (no I/O, thread-safe); the caller renders the figures.
//
// The model. `rate` is the capacity in requests/s, or in sessions/s (open model only) when the
// customer model is sessions per customer per hour; `per_customer` is that model's value.
//
//   usable                 = rate × (1 − headroom)                                 (per s)
//   peak load per customer = per_customer × peak_factor / 3600                    (per s)
//   customers supported    = floor(usable / peak load per customer)
//   cost per month         = price_per_hour × 730                     (730 h = 8,760 h / 12)
//   cost per 1,000 customers per month = cost per month × 1000 / customers supported
// and with a target number of customers (linear scaling with servers assumed):
//   servers needed         = ceil(servers × customers / customers supported)
//   monthly cost for them  = servers needed × (price_per_hour / servers) × 730
//
// Nothing is defaulted or guessed: each input comes from the user, with where it came from.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nest::host {

// One input: its value if given, and where it came from ("--price-per-hour", "nest.ini:12").
struct CostInput {
  std::optional<double> value;
  std::string source;
};

// Each input is a key of the INI section [cost] and a flag: price_per_hour / --price-per-hour,
// servers / --servers, and so on (underscores become dashes).
struct CostInputs {
  CostInput price_per_hour;  // price of the system under test as tested, all its servers, per
                             // hour (currency units), > 0
  CostInput servers;         // servers in the tested configuration, > 0
  CostInput requests_per_customer_per_hour;  // an average customer's requests in an average
                                             // hour, > 0
  CostInput sessions_per_customer_per_hour;  // or: sessions (visits) per customer per hour, > 0;
                                             // needs the open model (capacity in sessions/s)
  CostInput peak_factor;                     // the peak hour's load / the average hour's, >= 1
  CostInput headroom;    // fraction of capacity kept free, 0 <= h < 1 (0.3 for 30%)
  CostInput customers;   // optional: a target number of customers, > 0: servers needed for it
  std::string currency;  // e.g. "USD" (written after amounts) or "$" (before); may be empty

  // Any input given, currency included: the user asked for cost figures.
  bool any() const;
};

// The capacity found; sessions_per_s only in the open model.
struct MeasuredCapacity {
  double requests_per_s = 0;
  std::optional<double> sessions_per_s;
};

struct CostFigure {
  std::string what;  // "customers supported", "cost per 1,000 customers per month", "servers
                     // needed for 1,000,000 customers", "monthly cost for 1,000,000 customers"
  double value = 0;
  std::string unit;     // "customers", "USD/month" ("per month" without a currency), "servers"
  std::string formula;  // the formula with the numbers put in, readable (thousands separators)
};

struct CostReport {
  std::vector<CostFigure> figures;       // in the order above; the last two only with customers
  std::vector<std::string> assumptions;  // what the figures take for granted, one a line
};

struct CostError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Hours in a month: 8,760 / 12.
inline constexpr double kHoursPerMonth = 730;

// Every problem with the inputs, one sentence each naming the key, the ways to give it ("[cost]
// price_per_hour or --price-per-hour") and, for a value given, its source; empty when the cost
// figures can be computed. Problems: a needed input missing (customers is optional); neither or
// both customer models; the sessions model without the open model (`open_model` false); a value
// out of range (peak_factor < 1, headroom outside [0, 1), a non-positive price, servers, rate or
// customers, anything not finite). Call it before a long run.
std::vector<std::string> check_cost_inputs(const CostInputs& inputs, bool open_model);

// The figures and their assumptions. The open model is assumed when capacity.sessions_per_s is
// set. Throws CostError listing every problem check_cost_inputs() finds, or when the capacity
// cannot carry a single customer at peak (or is not a positive number).
CostReport cost_report(const CostInputs& inputs, const MeasuredCapacity& capacity);

}  // namespace nest::host
