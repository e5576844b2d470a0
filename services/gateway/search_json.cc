#include "services/gateway/search_json.h"

#include <charconv>

namespace ibasho::gateway {
namespace {

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  void Key(const char* k) {
    Comma();
    *out_ += '"';
    *out_ += k;
    *out_ += "\":";
    first_ = true;
  }
  void Str(const std::string& s) {
    *out_ += '"';
    for (unsigned char c : s) {
      switch (c) {
        case '"':
          *out_ += "\\\"";
          break;
        case '\\':
          *out_ += "\\\\";
          break;
        case '\n':
          *out_ += "\\n";
          break;
        case '\r':
          *out_ += "\\r";
          break;
        case '\t':
          *out_ += "\\t";
          break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            *out_ += buf;
          } else {
            *out_ += static_cast<char>(c);
          }
      }
    }
    *out_ += '"';
    first_ = false;
  }
  void Int(long v) {
    *out_ += std::to_string(v);
    first_ = false;
  }
  void Double(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_->append(buf, end);
    first_ = false;
  }
  void Bool(bool v) {
    *out_ += v ? "true" : "false";
    first_ = false;
  }
  void Open(char c) {
    Comma();
    *out_ += c;
    first_ = true;
  }
  void Close(char c) {
    *out_ += c;
    first_ = false;
  }
  // Before a value in an array.
  void Item() { Comma(); }
  void StrField(const char* k, const std::string& v) { Key(k), Str(v); }

 private:
  void Comma() {
    if (!first_) *out_ += ',';
    first_ = false;
  }
  std::string* out_;
  bool first_ = true;
};

void Strings(Writer& w, const char* key, const google::protobuf::RepeatedPtrField<std::string>& values) {
  w.Key(key);
  w.Open('[');
  for (const auto& v : values) {
    w.Item();
    w.Str(v);
  }
  w.Close(']');
}

void FacetList(Writer& w, const char* key, const google::protobuf::RepeatedPtrField<search::v1::FacetValue>& values) {
  w.Key(key);
  w.Open('[');
  for (const auto& f : values) {
    w.Open('{');
    w.StrField("value", f.value());
    w.StrField("label", f.label());
    w.Key("count");
    w.Int(f.count());
    w.Close('}');
  }
  w.Close(']');
}

}  // namespace

std::string SearchResponseJson(const search::v1::SearchResponse& r) {
  std::string out;
  out.reserve(2048 + 1536 * r.results_size());
  Writer w(&out);
  w.Open('{');
  w.Key("results");
  w.Open('[');
  for (const auto& x : r.results()) {
    w.Open('{');
    w.StrField("activity_id", x.activity_id());
    w.StrField("group_id", x.group_id());
    w.StrField("title", x.title());
    w.StrField("group_name", x.group_name());
    w.StrField("summary", x.summary());
    w.StrField("snippet", x.snippet());
    Strings(w, "categories", x.categories());
    w.StrField("municipality", x.municipality());
    w.StrField("address", x.address());
    if (x.has_location()) {
      w.Key("location");
      w.Open('{');
      w.Key("lat");
      w.Double(x.location().lat());
      w.Key("lon");
      w.Double(x.location().lon());
      w.Close('}');
    }
    if (x.has_distance_m()) {
      w.Key("distance_m");
      w.Double(x.distance_m());
    }
    w.StrField("schedule_text", x.schedule_text());
    if (x.has_ages()) {
      w.Key("ages");
      w.Open('{');
      w.Key("min");
      w.Int(x.ages().min());
      w.Key("max");
      w.Int(x.ages().max());
      w.Close('}');
    }
    if (x.has_fee()) {
      w.Key("fee");
      w.Open('{');
      w.Key("free");
      w.Bool(x.fee().free());
      w.Key("amount");
      w.Int(x.fee().amount());
      w.StrField("text", x.fee().text());
      w.Close('}');
    }
    if (x.has_contact()) {
      w.Key("contact");
      w.Open('{');
      w.StrField("phone", x.contact().phone());
      w.StrField("email", x.contact().email());
      w.StrField("url", x.contact().url());
      w.Close('}');
    }
    w.StrField("source", x.source());
    w.StrField("external_id", x.external_id());
    w.StrField("updated_at", x.updated_at());
    w.StrField("next_occurrence", x.next_occurrence());
    w.Close('}');
  }
  w.Close(']');
  if (r.has_facets()) {
    w.Key("facets");
    w.Open('{');
    FacetList(w, "category", r.facets().category());
    FacetList(w, "municipality", r.facets().municipality());
    FacetList(w, "weekday", r.facets().weekday());
    FacetList(w, "age_band", r.facets().age_band());
    FacetList(w, "fee", r.facets().fee());
    w.Close('}');
  }
  w.Key("total");
  w.Int(r.total());
  w.StrField("next_page_token", r.next_page_token());
  if (r.has_interpretation()) {
    const auto& i = r.interpretation();
    w.Key("interpretation");
    w.Open('{');
    Strings(w, "categories", i.categories());
    Strings(w, "weekdays", i.weekdays());
    Strings(w, "municipalities", i.municipalities());
    Strings(w, "matched", i.matched());
    w.Key("relaxed");
    w.Bool(i.relaxed());
    w.StrField("corrected", i.corrected());
    w.StrField("language", i.language());
    w.StrField("translated", i.translated());
    w.Close('}');
  }
  w.StrField("did_you_mean", r.did_you_mean());
  w.Close('}');
  return out;
}

}  // namespace ibasho::gateway
