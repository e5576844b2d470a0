#include "search/index/index_writer.h"

#include <filesystem>

#include <algorithm>
#include <set>

#include "common/normalizer.h"
#include "common/numbers.h"
#include "common/taxonomy.h"
#include "common/weekday.h"
#include "ibasho/search/index/v1/stored_activity.pb.h"
#include "ibasho/search/v1/search.pb.h"
#include "model/schedule.h"
#include "search/analysis/snippet.h"
#include "search/index/index_schema.h"

namespace ibasho::search {
namespace {

using registry::v1::Activity;
using registry::v1::Group;

std::string Join(const std::set<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += kValueSeparator;
    out += v;
  }
  return out;
}

std::string Summary(const std::string& text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (chars == max_chars) return out + "…";
      ++chars;
    }
    out += (c == '\n' || c == '\r') ? ' ' : text[i];
  }
  return out;
}

void FillStored(const Group& g, const Activity& a, index::v1::StoredActivity* stored) {
  auto* r = stored->mutable_result();
  r->set_activity_id(a.id());
  r->set_group_id(g.id());
  r->set_title(a.title());
  r->set_group_name(g.name());
  const std::string& text = a.description().empty() ? g.description() : a.description();
  r->set_summary(Summary(text, 80));
  for (const auto& c : a.categories()) r->add_categories(c);
  r->set_municipality(a.location().municipality());
  r->set_address(a.location().address());
  if (a.location().lat() != 0 || a.location().lon() != 0) {
    r->mutable_location()->set_lat(a.location().lat());
    r->mutable_location()->set_lon(a.location().lon());
  }
  r->set_schedule_text(a.schedule_text());
  if (a.has_ages()) *r->mutable_ages() = a.ages();
  if (a.has_fee()) {
    r->mutable_fee()->set_free(a.fee().free());
    r->mutable_fee()->set_text(a.fee().text());
  }
  // Public contact fields only: network and staff contacts never reach the index.
  for (const auto& c : g.contacts()) {
    if (c.visibility() != registry::v1::VISIBILITY_PUBLIC) continue;
    auto* pc = r->mutable_contact();
    if (pc->phone().empty()) pc->set_phone(c.phone());
    if (pc->email().empty()) pc->set_email(c.email());
    if (pc->url().empty()) pc->set_url(c.url());
  }
  if (r->contact().url().empty() && !g.website().empty()) r->mutable_contact()->set_url(g.website());
  r->set_source(g.source());
  r->set_external_id(g.external_id());
  r->set_updated_at(g.updated_at());
  stored->set_description(text);
  *stored->mutable_schedules() = a.schedules();
}

}  // namespace

Xapian::Document BuildActivityDocument(const Group& g, const Activity& a, const DocumentAnalyzer& analyzer,
                                       std::vector<std::string>* nouns) {
  Xapian::Document doc;
  PositionState pos;
  analyzer.IndexText(a.title(), 3, &doc, &pos, nouns);
  analyzer.IndexText(g.name(), 2, &doc, &pos, nouns);
  analyzer.IndexReadingOf(g.name(), g.name_kana(), 1, &doc, &pos);
  analyzer.IndexText(a.description(), 1, &doc, &pos, nouns);
  if (g.description() != a.description()) analyzer.IndexText(g.description(), 1, &doc, &pos, nouns);
  std::set<std::string> inferred(a.inferred_categories().begin(), a.inferred_categories().end());
  for (const auto& c : a.categories()) {  // an inferred category's words are in the text already
    const char* label = CategoryLabel(c);
    if (label && !inferred.count(c)) analyzer.IndexText(label, 1, &doc, &pos, nullptr);
  }
  const auto& loc = a.location();
  for (const std::string* s : {&loc.name(), &loc.address(), &loc.municipality(), &loc.town(), &loc.nearest_station(),
                               &a.schedule_text(), &a.fee().text(), &a.accessibility()}) {
    analyzer.IndexText(*s, 1, &doc, &pos, nullptr);
  }

  doc.add_boolean_term(kTermActivityId + a.id());
  doc.add_boolean_term(kTermGroupId + g.id());
  std::set<std::string> categories(a.categories().begin(), a.categories().end());
  for (const auto& c : categories) {
    doc.add_boolean_term(kTermCategory + c);
    if (!inferred.count(c)) doc.add_boolean_term(kTermStatedCategory + c);
  }
  doc.add_value(kSlotCategories, Join(categories));
  if (!loc.municipality().empty()) {
    doc.add_boolean_term(kTermMunicipality + loc.municipality());
    doc.add_value(kSlotMunicipality, loc.municipality());
  }
  std::set<std::string> weekdays;
  for (const auto& s : a.schedules()) {
    for (const auto& d : s.byday()) {
      weekdays.insert(d);
      if (s.weeks_unknown()) continue;
      if (s.nth_size() == 0) doc.add_boolean_term(std::string(kTermOccurrence) + "w" + d);
      for (int n : s.nth())
        doc.add_boolean_term(std::string(kTermOccurrence) + "n" + (n < 0 ? std::string("L") : std::to_string(n)) + d);
    }
    for (const auto& date : s.dates()) {
      doc.add_boolean_term(std::string(kTermOccurrence) + "d" + date);
      if (auto cd = ParseCivilDate(date)) weekdays.insert(Weekdays()[DayOfWeek(*cd)].code);
    }
  }
  for (const auto& d : weekdays) doc.add_boolean_term(kTermWeekday + d);
  doc.add_value(kSlotWeekdays, Join(weekdays));
  if (loc.lat() != 0 || loc.lon() != 0)
    doc.add_value(kSlotLatLon, Xapian::LatLongCoords(Xapian::LatLongCoord(loc.lat(), loc.lon())).serialise());
  int age_min = a.has_ages() ? a.ages().min() : 0;
  int age_max = (a.has_ages() && a.ages().max() > 0) ? a.ages().max() : 999;
  doc.add_value(kSlotAgeMin, Xapian::sortable_serialise(age_min));
  doc.add_value(kSlotAgeMax, Xapian::sortable_serialise(age_max));
  std::set<std::string> bands;
  for (const auto& b : AgeBands())
    if (InAgeBand(age_min, a.has_ages() ? a.ages().max() : 0, b)) bands.insert(b.code);
  for (const auto& b : bands) doc.add_boolean_term(kTermAgeBand + b);
  doc.add_value(kSlotAgeBands, Join(bands));
  if (a.has_fee()) {
    std::string fee = a.fee().free() ? "free" : "paid";
    doc.add_boolean_term(kTermFee + fee);
    doc.add_value(kSlotFee, fee);
  }
  // The packed facet row (see index_schema.h).
  uint16_t cat_bits = 0;
  for (const auto& c : categories)
    for (size_t i = 0; i < Categories().size(); ++i)
      if (c == Categories()[i].code) cat_bits |= static_cast<uint16_t>(1u << i);
  uint8_t day_bits = 0;
  for (const auto& d : weekdays) day_bits |= static_cast<uint8_t>(1u << WeekdayIndex(d));
  uint8_t band_bits = 0;
  for (size_t i = 0; i < AgeBands().size(); ++i)
    if (bands.count(AgeBands()[i].code)) band_bits |= static_cast<uint8_t>(1u << i);
  uint8_t fee_code = !a.has_fee() ? 0 : a.fee().free() ? 1 : 2;
  std::string row;
  row += static_cast<char>(cat_bits & 0xff);
  row += static_cast<char>(cat_bits >> 8);
  row += static_cast<char>(day_bits);
  row += static_cast<char>(band_bits);
  row += static_cast<char>(fee_code);
  row += loc.municipality();
  doc.add_value(kSlotFacetRow, row);
  index::v1::StoredActivity stored;
  FillStored(g, a, &stored);
  stored.set_snippet_tokens(EncodeSnippetTokens(stored.description(), analyzer.tokenizer()));
  doc.set_data(stored.SerializeAsString());
  return doc;
}

IndexWriter::IndexWriter(Xapian::WritableDatabase db, std::string path, const Tokenizer& tokenizer)
    : db_(std::move(db)), path_(std::move(path)), analyzer_(tokenizer) {
  // A missing or unreadable cursor means "from the start": the follower replays the whole feed.
  int64_t cursor = 0;
  if (!ParseInt64(db_.get_metadata(kMetaAppliedCursor), &cursor)) cursor = 0;
  applied_cursor_ = cursor;
  revision_ = db_.get_revision();
}

StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path, const Tokenizer& tokenizer) {
  try {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    return std::unique_ptr<IndexWriter>(new IndexWriter(std::move(db), path, tokenizer));
  } catch (const Xapian::Error& e) {
    return Status(StatusCode::kUnavailable, "cannot open index " + path + ": " + e.get_description());
  }
}

Status IndexWriter::Apply(const registry::v1::ChangeBatch& batch) {
  int64_t last = applied_cursor_;
  bool in_transaction = false;
  IndexDelta delta;
  try {
    for (const auto& ev : batch.events()) {
      int64_t cursor = 0;
      if (!ParseInt64(ev.change().cursor(), &cursor)) {
        if (in_transaction) db_.cancel_transaction();
        return Internal("change feed sent a malformed cursor \"" + ev.change().cursor() + "\"");
      }
      if (cursor <= last) continue;
      if (!in_transaction) {
        db_.begin_transaction();
        in_transaction = true;
      }
      last = cursor;
      const std::string& gid = ev.change().group_id();
      if (listener_) {
        for (auto it = db_.postlist_begin(kTermGroupId + gid); it != db_.postlist_end(kTermGroupId + gid); ++it) {
          delta.removed.push_back(*it);
          std::erase_if(delta.added, [&](const IndexDelta::AddedDocument& d) { return d.id == *it; });
        }
      }
      db_.delete_document(kTermGroupId + gid);
      if (ev.change().op() == registry::v1::CHANGE_OP_UPSERT) AddGroup(ev.group(), listener_ ? &delta : nullptr);
    }
    if (!in_transaction) return Status::Ok();
    db_.set_metadata(kMetaAppliedCursor, std::to_string(last));
    if (listener_) {
      std::sort(delta.removed.begin(), delta.removed.end());
      delta.removed.erase(std::unique(delta.removed.begin(), delta.removed.end()), delta.removed.end());
      std::sort(delta.added.begin(), delta.added.end(),
                [](const IndexDelta::AddedDocument& a, const IndexDelta::AddedDocument& b) { return a.id < b.id; });
      delta.revision = db_.get_revision() + 1;
      announced_ = delta.revision;
      listener_->WillCommit(delta);
    }
    db_.commit_transaction();  // documents and cursor become durable together
    announced_ = 0;
    applied_cursor_ = last;
    revision_ = db_.get_revision();
    return Status::Ok();
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Abort(in_transaction, "bad change event: " + what, StatusCode::kInternal);
  } catch (const Xapian::Error& e) {
    return Abort(in_transaction, "index update failed: " + e.get_description(), StatusCode::kUnavailable);
  }
}

void IndexWriter::AddGroup(const Group& g, IndexDelta* delta) {
  if (g.status() != registry::v1::LISTING_STATUS_PUBLISHED) return;
  for (const auto& a : g.activities()) {
    if (a.status() != registry::v1::LISTING_STATUS_PUBLISHED) continue;
    std::vector<std::string> nouns;
    Xapian::Document doc = BuildActivityDocument(g, a, analyzer_, &nouns);
    Xapian::docid id = db_.replace_document(kTermActivityId + a.id(), doc);
    for (const auto& n : nouns) db_.add_spelling(n);
    if (!delta) continue;
    IndexDelta::AddedDocument added{id, 0, {}, doc.get_value(kSlotLatLon)};
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      added.terms.emplace_back(*t, t.get_wdf());
      added.length += t.get_wdf();
    }
    delta->removed.push_back(id);  // in case it replaced a document
    std::erase_if(delta->added, [&](const IndexDelta::AddedDocument& d) { return d.id == id; });
    delta->added.push_back(std::move(added));
  }
}

Status IndexWriter::ReplaceAll(const std::vector<Group>& groups, int64_t cursor) {
  bool in_transaction = false;
  try {
    db_.begin_transaction();
    in_transaction = true;
    std::vector<Xapian::docid> all(db_.postlist_begin(""), db_.postlist_end(""));
    for (Xapian::docid id : all) db_.delete_document(id);
    for (const auto& g : groups) AddGroup(g, nullptr);
    db_.set_metadata(kMetaAppliedCursor, std::to_string(cursor));
    db_.commit_transaction();
    applied_cursor_ = cursor;
    revision_ = db_.get_revision();
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return Abort(in_transaction, "index rebuild failed: " + e.get_description(), StatusCode::kUnavailable);
  }
}

Status IndexWriter::Abort(bool in_transaction, const std::string& message, StatusCode code) {
  if (announced_ != 0) {
    listener_->CommitFailed(announced_);
    announced_ = 0;
  }
  if (in_transaction) {
    try {
      db_.cancel_transaction();  // nothing of the batch is kept; it will be fetched again
    } catch (const Xapian::Error&) {
    }
  }
  return Status(code, message);
}

uint32_t IndexWriter::DocCount() const {
  try {
    return db_.get_doccount();
  } catch (const Xapian::Error&) {
    return 0;
  }
}

int64_t IndexWriter::IndexBytes() const {
  int64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(path_, ec))
    if (entry.is_regular_file(ec)) total += static_cast<int64_t>(entry.file_size(ec));
  return total;
}

}  // namespace ibasho::search
