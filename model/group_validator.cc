#include "model/group_validator.h"

#include "common/civil_date.h"
#include "common/weekday.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include "common/limits.h"
#include "common/taxonomy.h"

namespace ibasho::model {
namespace {

using registry::v1::Group;
using registry::v1::ListingStatus;
using registry::v1::Visibility;

bool IsKnownStatus(ListingStatus s) {
  return registry::v1::ListingStatus_IsValid(s) && s != registry::v1::LISTING_STATUS_UNSPECIFIED;
}

const std::set<std::string> kSectors = {"", "private", "public", "shakai_fukushi_kyogikai"};

bool ParseHhMm(const std::string& s, int* minutes) {
  int h = 0, m = 0;
  char tail = 0;
  if (s.size() < 4 || std::sscanf(s.c_str(), "%d:%d%c", &h, &m, &tail) != 2) return false;
  if (h < 0 || h > 29 || m < 0 || m > 59) return false;  // 24:00–29:59 allowed for late events
  *minutes = h * 60 + m;
  return true;
}

// A real date, within years a listing can mean (typos such as 0202 or 20266 are caught).
bool IsValidDate(const std::string& s) {
  auto d = ParseCivilDate(s);
  return d && d->year >= 1900 && d->year <= 2200;
}

// A kana reading may hold kana, Latin letters, digits, spaces and punctuation (・, ～, （）, 「」), as
// published readings do ("ドリ～ムキッチン", "NPOホウジン…"); kanji or other scripts' letters mean
// it is not a reading.
bool IsKanaText(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &status);
    if (script == USCRIPT_KATAKANA || script == USCRIPT_HIRAGANA || script == USCRIPT_LATIN ||
        script == USCRIPT_COMMON || script == USCRIPT_INHERITED)
      continue;
    return false;
  }
  return true;
}

std::string Path(const std::string& base, const char* field) { return base + "." + field; }
std::string Index(const char* field, int i) { return std::string(field) + "[" + std::to_string(i) + "]"; }

Status ValidateSchedule(const registry::v1::Schedule& s, const std::string& path) {
  for (int i = 0; i < s.byday_size(); ++i) {
    if (WeekdayIndex(s.byday(i)) < 0)
      return InvalidArgument("unknown weekday \"" + s.byday(i) + "\"; use mon tue wed thu fri sat sun",
                             path + "." + Index("byday", i));
  }
  for (int i = 0; i < s.nth_size(); ++i) {
    int n = s.nth(i);
    if (!(n == -1 || (n >= 1 && n <= 5)))
      return InvalidArgument("nth must be 1..5 or -1 (last)", path + "." + Index("nth", i));
  }
  if (s.nth_size() > 0 && s.byday_size() == 0)
    return InvalidArgument("nth needs byday (e.g. 第2土曜: byday [sat], nth [2])", Path(path, "byday"));
  for (int i = 0; i < s.dates_size(); ++i) {
    if (!IsValidDate(s.dates(i))) return InvalidArgument("date must be YYYY-MM-DD", path + "." + Index("dates", i));
  }
  if (s.byday_size() == 0 && s.dates_size() == 0)
    return InvalidArgument("a schedule needs byday or dates", Path(path, "byday"));
  int opens = -1, closes = -1;
  if (!s.opens().empty() && !ParseHhMm(s.opens(), &opens))
    return InvalidArgument("time must be HH:MM", Path(path, "opens"));
  if (!s.closes().empty() && !ParseHhMm(s.closes(), &closes))
    return InvalidArgument("time must be HH:MM", Path(path, "closes"));
  if (opens >= 0 && closes >= 0 && closes <= opens)
    return InvalidArgument("closes must be after opens", Path(path, "closes"));
  if (!s.valid_from().empty() && !IsValidDate(s.valid_from()))
    return InvalidArgument("date must be YYYY-MM-DD", Path(path, "valid_from"));
  if (!s.valid_to().empty() && !IsValidDate(s.valid_to()))
    return InvalidArgument("date must be YYYY-MM-DD", Path(path, "valid_to"));
  if (!s.valid_from().empty() && !s.valid_to().empty() && s.valid_to() < s.valid_from())
    return InvalidArgument("valid_to is before valid_from", Path(path, "valid_to"));
  return Status::Ok();
}

// A link the ward's page may render as href: no scheme, or http(s). javascript:, data: and the
// like would run in the reader's browser.
bool IsSafeLink(const std::string& v) {
  size_t start = v.find_first_not_of(" ");
  if (start == std::string::npos) return true;
  size_t colon = v.find(':', start);
  size_t path = v.find_first_of("/?#", start);
  if (colon == std::string::npos || (path != std::string::npos && path < colon)) return true;  // no scheme
  std::string scheme;
  for (char c : v.substr(start, colon - start))
    scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "http" || scheme == "https";
}

// Control characters are never text; newlines and tabs are allowed where prose is.
bool HasControlCharacters(const std::string& v, bool multiline) {
  for (unsigned char c : v) {
    if (c == 0x7f) return true;
    if (c >= 0x20) continue;
    if (multiline && (c == '\n' || c == '\r' || c == '\t')) continue;
    return true;
  }
  return false;
}

// True when v holds only spaces (ASCII, ideographic U+3000, no-break U+00A0).
bool IsBlank(const std::string& v) {
  for (size_t i = 0; i < v.size();) {
    if (v[i] == ' ' || v[i] == '\t') {
      ++i;
    } else if (v.compare(i, 3, "\xE3\x80\x80") == 0) {
      i += 3;
    } else if (v.compare(i, 2, "\xC2\xA0") == 0) {
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

bool IsProse(const google::protobuf::FieldDescriptor* f) {
  static const std::set<std::string> kProse = {"description", "note", "schedule_text", "accessibility", "text"};
  return kProse.count(f->name()) > 0;
}

// Every string field of m, at any depth: no control characters (newlines only in prose), and at
// most limits::kMaxTextBytes (prose) or kMaxShortTextBytes (everything else).
Status ValidateStrings(const google::protobuf::Message& m, const std::string& path) {
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    std::string here = path.empty() ? f->name() : path + "." + f->name();
    if (f->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      auto check = [&](const std::string& v, const std::string& p) -> Status {
        size_t max = IsProse(f) ? limits::kMaxTextBytes : limits::kMaxShortTextBytes;
        if (v.size() > max) return InvalidArgument("too long (max " + std::to_string(max) + " bytes)", p);
        if (HasControlCharacters(v, IsProse(f))) return InvalidArgument("contains control characters", p);
        return Status::Ok();
      };
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(m, f); ++k) {
          Status s = check(r->GetRepeatedString(m, f, k), here + "[" + std::to_string(k) + "]");
          if (!s.ok()) return s;
        }
      } else {
        Status s = check(r->GetString(m, f), here);
        if (!s.ok()) return s;
      }
    } else if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(m, f); ++k) {
          Status s = ValidateStrings(r->GetRepeatedMessage(m, f, k), here + "[" + std::to_string(k) + "]");
          if (!s.ok()) return s;
        }
      } else if (r->HasField(m, f)) {
        Status s = ValidateStrings(r->GetMessage(m, f), here);
        if (!s.ok()) return s;
      }
    }
  }
  return Status::Ok();
}

Status ValidateLinks(const Group& g) {
  if (!IsSafeLink(g.website())) return InvalidArgument("website must be an http or https address", "website");
  const auto& l = g.links();
  for (const auto& [value, field] : {std::pair{&l.instagram(), "links.instagram"},
                                     {&l.line(), "links.line"},
                                     {&l.facebook(), "links.facebook"},
                                     {&l.x(), "links.x"}})
    if (!IsSafeLink(*value)) return InvalidArgument("links must be http or https addresses or handles", field);
  for (int i = 0; i < g.contacts_size(); ++i)
    if (!IsSafeLink(g.contacts(i).url()))
      return InvalidArgument("url must be an http or https address", Index("contacts", i) + ".url");
  return Status::Ok();
}

Status ValidateActivity(const registry::v1::Activity& a, const std::string& path) {
  if (IsBlank(a.title())) return InvalidArgument("title is required", Path(path, "title"));
  if (a.categories_size() > limits::kMaxCategoriesPerActivity)
    return InvalidArgument("at most " + std::to_string(limits::kMaxCategoriesPerActivity) + " categories",
                           Path(path, "categories"));
  if (a.status() != registry::v1::LISTING_STATUS_UNSPECIFIED && !IsKnownStatus(a.status()))
    return InvalidArgument("unknown status", Path(path, "status"));
  for (int i = 0; i < a.categories_size(); ++i) {
    if (CategoryLabel(a.categories(i)) == nullptr)
      return InvalidArgument("unknown category \"" + a.categories(i) + "\"; see GET /v1/categories",
                             path + "." + Index("categories", i));
    for (int k = 0; k < i; ++k)
      if (a.categories(k) == a.categories(i))
        return InvalidArgument("category listed twice", path + "." + Index("categories", i));
  }
  for (int i = 0; i < a.inferred_categories_size(); ++i)
    if (std::find(a.categories().begin(), a.categories().end(), a.inferred_categories(i)) == a.categories().end())
      return InvalidArgument("an inferred category must also be one of categories",
                             path + "." + Index("inferred_categories", i));
  if (a.has_ages()) {
    if (a.ages().min() < 0 || a.ages().min() > 120)
      return InvalidArgument("age must be 0..120", Path(path, "ages.min"));
    if (a.ages().max() < 0 || a.ages().max() > 120)
      return InvalidArgument("age must be 0..120", Path(path, "ages.max"));
    if (a.ages().max() != 0 && a.ages().max() < a.ages().min())
      return InvalidArgument("ages.max is below ages.min", Path(path, "ages.max"));
  }
  if (a.fee().amount() < 0) return InvalidArgument("fee.amount must not be negative", Path(path, "fee.amount"));
  if (a.capacity() < 0) return InvalidArgument("capacity must not be negative", Path(path, "capacity"));
  const auto& loc = a.location();
  bool has_point = loc.lat() != 0 || loc.lon() != 0;
  if (has_point) {
    if (!(loc.lat() >= 20 && loc.lat() <= 46) || std::isnan(loc.lat()))
      return InvalidArgument("latitude is outside Japan (20..46)", Path(path, "location.lat"));
    if (!(loc.lon() >= 122 && loc.lon() <= 154) || std::isnan(loc.lon()))
      return InvalidArgument("longitude is outside Japan (122..154)", Path(path, "location.lon"));
  }
  for (int i = 0; i < a.schedules_size(); ++i) {
    Status s = ValidateSchedule(a.schedules(i), path + "." + Index("schedules", i));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// Replaces control characters in the one-line string fields of m (at any depth) by spaces.
void CleanOneLineFields(google::protobuf::Message* m) {
  const auto* d = m->GetDescriptor();
  const auto* r = m->GetReflection();
  auto clean = [](std::string v) {
    for (auto& c : v)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return v;
  };
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f->type() == google::protobuf::FieldDescriptor::TYPE_STRING && !IsProse(f)) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(*m, f); ++k)
          r->SetRepeatedString(m, f, k, clean(r->GetRepeatedString(*m, f, k)));
      } else {
        r->SetString(m, f, clean(r->GetString(*m, f)));
      }
    } else if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(*m, f); ++k) CleanOneLineFields(r->MutableRepeatedMessage(m, f, k));
      } else if (r->HasField(*m, f)) {
        CleanOneLineFields(r->MutableMessage(m, f));
      }
    }
  }
}

}  // namespace

void CleanImportedText(Group* group) { CleanOneLineFields(group); }

std::string MunicipalityFromAddress(std::string_view address) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(address.data(), address.size()));
  auto is_pref_mark = [](UChar c) { return c == u'都' || c == u'道' || c == u'府' || c == u'県'; };
  // Prefecture names are three characters (東京都, 京都府, 埼玉県) or four (神奈川県, 鹿児島県).
  int32_t start = 0;
  if (u.length() > 3 && is_pref_mark(u.charAt(2))) {
    start = 3;
  } else if (u.length() > 4 && u.charAt(3) == u'県') {
    start = 4;
  }
  const int32_t window_end = std::min(u.length(), start + 10);
  auto find_in = [&](int32_t from, std::u16string_view marks) -> int32_t {
    for (int32_t i = from; i < window_end; ++i)
      if (marks.find(static_cast<char16_t>(u.charAt(i))) != std::u16string_view::npos) return i;
    return -1;
  };
  auto cut = [&](int32_t from, int32_t end_inclusive) {
    std::string out;
    u.tempSubString(from, end_inclusive + 1 - from).toUTF8String(out);
    return out;
  };
  // 西多摩郡日の出町: the town or village after the district.
  int32_t gun = find_in(start, u"郡");
  if (gun >= 0) {
    int32_t end = find_in(gun + 1, u"町村");
    if (end > gun + 1) return cut(gun + 1, end);
  }
  // Cities and wards first, so 武蔵村山市 is not cut at its 村 and 町田市 not at its 町.
  int32_t end = find_in(start + 1, u"市区");
  if (end < 0) end = find_in(start + 1, u"町村");
  return end < 0 ? "" : cut(start, end);
}

void ApplyDefaults(Group* group) {
  if (group->status() == registry::v1::LISTING_STATUS_UNSPECIFIED)
    group->set_status(registry::v1::LISTING_STATUS_PUBLISHED);
  for (auto& a : *group->mutable_activities()) {
    if (a.status() == registry::v1::LISTING_STATUS_UNSPECIFIED) a.set_status(registry::v1::LISTING_STATUS_PUBLISHED);
    auto* loc = a.mutable_location();
    if (loc->municipality().empty() && !loc->address().empty())
      loc->set_municipality(MunicipalityFromAddress(loc->address()));
    if (a.has_fee() && a.fee().amount() == 0 && a.fee().text().empty()) a.mutable_fee()->set_free(true);
  }
  for (auto& c : *group->mutable_contacts()) {
    if (c.visibility() == registry::v1::VISIBILITY_UNSPECIFIED) c.set_visibility(registry::v1::VISIBILITY_STAFF);
  }
}

Status ValidateGroup(const Group& g) {
  if (IsBlank(g.name())) return InvalidArgument("name is required", "name");
  if (Status s = ValidateStrings(g, ""); !s.ok()) return s;
  if (g.external_id().size() > limits::kMaxIdBytes)
    return InvalidArgument("external_id is too long (max " + std::to_string(limits::kMaxIdBytes) + " bytes)",
                           "external_id");
  if (g.source().size() > limits::kMaxIdBytes)
    return InvalidArgument("source is too long (max " + std::to_string(limits::kMaxIdBytes) + " bytes)", "source");
  if (g.activities_size() > limits::kMaxActivitiesPerGroup)
    return InvalidArgument("at most " + std::to_string(limits::kMaxActivitiesPerGroup) + " activities per group",
                           "activities");
  if (g.contacts_size() > limits::kMaxContactsPerGroup)
    return InvalidArgument("at most " + std::to_string(limits::kMaxContactsPerGroup) + " contacts per group",
                           "contacts");
  if (Status s = ValidateLinks(g); !s.ok()) return s;
  if (g.name().size() > 300) return InvalidArgument("name is too long (max 300 bytes)", "name");
  if (!g.name_kana().empty() && !IsKanaText(g.name_kana()))
    return InvalidArgument("name_kana must be written in kana", "name_kana");
  if (!IsKnownStatus(g.status()))
    return InvalidArgument("status must be published, pending_review, draft or archived", "status");
  if (!kSectors.count(g.sector()))
    return InvalidArgument("sector must be private, public or shakai_fukushi_kyogikai", "sector");
  if (!g.verified_at().empty() && !IsValidDate(g.verified_at()))
    return InvalidArgument("date must be YYYY-MM-DD", "verified_at");
  if (!g.external_id().empty() && g.source().empty()) return InvalidArgument("external_id needs a source", "source");
  for (int i = 0; i < g.activities_size(); ++i) {
    Status s = ValidateActivity(g.activities(i), Index("activities", i));
    if (!s.ok()) return s;
  }
  for (int i = 0; i < g.contacts_size(); ++i) {
    Visibility v = g.contacts(i).visibility();
    if (!registry::v1::Visibility_IsValid(v) || v == registry::v1::VISIBILITY_UNSPECIFIED)
      return InvalidArgument("visibility must be public, network or staff", Index("contacts", i) + ".visibility");
  }
  return Status::Ok();
}

}  // namespace ibasho::model
