#include "services/gateway/http_metrics.h"

#include <cstdio>

namespace ibasho::gateway {

std::string PrometheusLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void HttpMetrics::Observe(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = durations_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  ++h.count;
  h.sum += seconds;
}

std::string HttpMetrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out =
      "# HELP ibasho_http_requests_total HTTP requests answered, by route and status code.\n"
      "# TYPE ibasho_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += "ibasho_http_requests_total{route=\"" + PrometheusLabel(key.first) + "\",code=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  out +=
      "# HELP ibasho_http_request_duration_seconds Time from a request's head to its response, by route.\n"
      "# TYPE ibasho_http_request_duration_seconds histogram\n";
  char le[32];
  for (const auto& [route, h] : durations_) {
    const std::string label = "route=\"" + PrometheusLabel(route) + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
      out += "ibasho_http_request_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "ibasho_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    std::snprintf(le, sizeof le, "%.6f", h.sum);
    out += "ibasho_http_request_duration_seconds_sum{" + label + "} " + le + "\n";
    out += "ibasho_http_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
  }
  return out;
}

}  // namespace ibasho::gateway
