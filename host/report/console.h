// Locust-style console tables, rendered from a Summary.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "stats/run_result.h"
#include "stats/summary.h"

namespace nest::host {

// The request table: # reqs, # fails, avg/min/max/median, req/s, failures/s. `current` picks
// the recent-window rates (live) over the whole-run rates (final).
void print_request_table(std::FILE* out, const Summary& summary, bool current);
// Response-time percentiles per row.
void print_percentile_table(std::FILE* out, const Summary& summary);
// New connections and their set-up times (kept out of the response times).
void print_connections(std::FILE* out, const Summary& summary);
// Which load model ran and how it went: for the open model the arrival rate wanted and the
// rate sessions started, sessions started and dropped, their start lag and the most running at
// once; for the closed model the users wanted and the most running. From a run's totals and
// timeline (`model`: "closed" or "open").
void print_load_model(std::FILE* out, const std::string& model, const SampleSet& totals,
                      const Timeline& timeline, double elapsed_s);
// Requests sent and never answered because the run ended first, by row; nothing when none.
void print_cut(std::FILE* out, const SampleSet& totals);
// Failures grouped by (method, name, error), and exceptions by (taskset, task, message).
void print_failures(std::FILE* out, const Summary& summary);
void print_exceptions(std::FILE* out, const Summary& summary);

// Each threshold with pass, FAIL or NO DATA, the measured value and where it was set.
void print_thresholds(std::FILE* out, const std::vector<ThresholdVerdict>& verdicts);
// "pass", "FAIL", "NO DATA".
const char* verdict_word(ThresholdVerdict::Outcome outcome);

}  // namespace nest::host
