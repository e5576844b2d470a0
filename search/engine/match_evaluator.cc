#include "search/engine/match_evaluator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <type_traits>

#include "search/engine/bm25.h"
#include "search/index/index_schema.h"

namespace ibasho::search {
namespace {

using Kind = QueryNode::Kind;

// Collects the ids of the documents a match visits.
class DocSetCollector : public Xapian::MatchSpy {
 public:
  explicit DocSetCollector(DocSet* out) : out_(out) {}
  void operator()(const Xapian::Document& doc, double) override { out_->Add(doc.get_docid()); }

 private:
  DocSet* out_;
};

// Whether evaluating node needs Xapian's matcher (positions) rather than bitmaps alone.
bool HasPhrase(const QueryNode& node) {
  if (node.kind == Kind::kPhrase) return true;
  if (node.kind == Kind::kAndMaybe) return HasPhrase(node.children[0]);  // the rest does not decide
  return std::any_of(node.children.begin(), node.children.end(), HasPhrase);
}

bool IsTermLike(const QueryNode& node) { return node.kind == Kind::kTerm || node.kind == Kind::kBoost; }

}  // namespace

void DocSetPostingSource::Advance(Xapian::docid from) {
  current_ = docs_.NextFrom(from);
  at_end_ = current_ == 0;
}

MatchEvaluator::MatchEvaluator(Xapian::Database& db, PostingCache& cache)
    : db_(db), cache_(cache), max_docid_(db.get_lastdocid()) {}

DocSet MatchEvaluator::AnyTerm(const std::vector<std::string>& terms) {
  DocSet out(max_docid_);
  for (const auto& t : terms) out.UnionWith(*TermDocs(t));
  return out;
}

bool MatchEvaluator::LookUpMembers(const std::string& term, const DocSet& within, bool cached,
                                   size_t postings_per_look_up) {
  return !cached && within.Count() * postings_per_look_up < cache_.TermFreq(db_, term);
}

DocSet MatchEvaluator::TermDocsWithin(const std::string& term, const DocSet& within) {
  DocSet out(max_docid_);
  if (within.Empty()) return out;
  // A look-up (a skip in the posting list) costs about as much as reading this many postings.
  constexpr size_t kPostingsPerLookUp = 256;
  // Look-ups repeated query after query end in one read, which caches the bitmap.
  const uint64_t cost = uint64_t{within.Count()} * kPostingsPerLookUp;
  if (!LookUpMembers(term, within, cache_.HasDocs(db_, term), kPostingsPerLookUp) ||
      cache_.LookUpsReachList(term, cost, cache_.TermFreq(db_, term))) {
    out = *TermDocs(term);
    out.IntersectWith(within);
    return out;
  }
  Xapian::PostingIterator it = db_.postlist_begin(term);
  const Xapian::PostingIterator end = db_.postlist_end(term);
  within.ForEach([&](Xapian::docid id) {
    if (it == end) return;
    it.skip_to(id);
    if (it != end && *it == id) out.Add(id);
  });
  return out;
}

void MatchEvaluator::AddWeightsWithin(const std::string& term, const DocSet& within, double scale,
                                      std::vector<float>* scores) {
  std::vector<float>& to = *scores;
  const float factor = static_cast<float>(scale);
  // A weight needs the document's length too; and a list read once serves later queries.
  constexpr size_t kPostingsPerWeightLookUp = 1024;
  if (LookUpMembers(term, within, cache_.HasImpacts(db_, term), kPostingsPerWeightLookUp)) {
    for (const auto& [id, weight] : LookUpWeights(term, within)) to[id] += factor * weight;
    return;
  }
  std::shared_ptr<const TermImpacts> impacts = TermImpactsOf(term);
  const bool few = within.Count() * 16 < impacts->postings;
  impacts->ForEachSegment([&](const TermImpacts& segment) {
    if (!segment.dense.empty()) {
      // A weight per id: runs of 64 members are added without looking at ids (vectorised).
      const std::vector<float>& dense = segment.dense;
      within.ForEachWord([&](Xapian::docid first, uint64_t bits) {
        if (bits == ~uint64_t{0} && first + 64 <= dense.size()) {
          for (Xapian::docid id = first; id < first + 64; ++id) to[id] += factor * dense[id];
          return;
        }
        for (; bits; bits &= bits - 1) {
          const Xapian::docid id = first + static_cast<Xapian::docid>(std::countr_zero(bits));
          if (id < dense.size()) to[id] += factor * dense[id];
        }
      });
      return;
    }
    const std::vector<Xapian::docid>& docs = segment.docs;
    const std::vector<float>& weights = segment.weights;
    if (few) {
      // Few members: look each up in the list rather than walk the whole list, galloping from
      // where the previous member was (members are usually close to each other in the list).
      size_t from = 0;
      within.ForEach([&](Xapian::docid id) {
        size_t step = 1, below = from;
        while (below + step < docs.size() && docs[below + step] < id) {
          below += step;
          step *= 2;
        }
        const auto end = docs.begin() + static_cast<std::ptrdiff_t>(std::min(below + step + 1, docs.size()));
        from = static_cast<size_t>(std::lower_bound(docs.begin() + static_cast<std::ptrdiff_t>(below), end, id) -
                                   docs.begin());
        if (from < docs.size() && docs[from] == id) to[id] += factor * weights[from];
      });
      return;
    }
    // The whole list, without a branch on membership (about half the documents may be members),
    // up to the last id within can hold (a newer list may go beyond).
    const size_t end =
        static_cast<size_t>(std::upper_bound(docs.begin(), docs.end(), within.max_docid()) - docs.begin());
    for (size_t i = 0; i < end; ++i) to[docs[i]] += static_cast<float>(within.Contains(docs[i])) * factor * weights[i];
  });
}

std::vector<std::pair<Xapian::docid, float>> MatchEvaluator::LookUpWeights(const std::string& term,
                                                                           const DocSet& within) {
  std::vector<std::pair<Xapian::docid, float>> out;
  const Bm25TermWeight weight(db_, cache_.TermFreq(db_, term));
  Xapian::PostingIterator it = db_.postlist_begin(term);
  const Xapian::PostingIterator end = db_.postlist_end(term);
  within.ForEach([&](Xapian::docid id) {
    if (it == end) return;
    it.skip_to(id);
    if (it != end && *it == id) out.emplace_back(id, static_cast<float>(weight(it.get_wdf(), it.get_doclength())));
  });
  return out;
}

Xapian::doccount MatchEvaluator::MaxMatches(const QueryNode& node) {
  switch (node.kind) {
    case Kind::kNothing:
      return 0;
    case Kind::kTerm:
    case Kind::kBoost:
      return cache_.TermFreq(db_, node.terms[0]);
    case Kind::kPhrase: {
      Xapian::doccount n = std::numeric_limits<Xapian::doccount>::max();
      for (const auto& t : node.terms) n = std::min(n, cache_.TermFreq(db_, t));
      return n;
    }
    case Kind::kAnd: {
      Xapian::doccount n = std::numeric_limits<Xapian::doccount>::max();
      for (const auto& c : node.children) n = std::min(n, MaxMatches(c));
      return n;
    }
    case Kind::kOr: {
      uint64_t n = 0;
      for (const auto& c : node.children) n += MaxMatches(c);
      return static_cast<Xapian::doccount>(std::min<uint64_t>(n, max_docid_));
    }
    case Kind::kAndMaybe:
      return MaxMatches(node.children[0]);
  }
  return 0;
}

size_t MatchEvaluator::CountWithin(const std::string& term, const DocSet& within) {
  if (cache_.Worthwhile(cache_.TermFreq(db_, term), db_.get_doccount()))
    return within.CountIntersection(*TermDocs(term));
  size_t n = 0;
  for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) n += within.Contains(*it);
  return n;
}

MatchEvaluator::Uncached MatchEvaluator::UncachedPostings(const std::vector<std::string>& terms) {
  Uncached out;
  Xapian::doccount longest = 0;
  for (const auto& t : terms) {
    const Xapian::doccount freq = cache_.TermFreq(db_, t);
    if (!cache_.Worthwhile(freq, db_.get_doccount()) || cache_.HasDocs(db_, t)) continue;
    out.postings += freq;
    if (freq > longest) {
      longest = freq;
      out.longest = t;
    }
  }
  return out;
}

DocSet MatchEvaluator::WithinDistance(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) {
  if (within.Empty()) return DocSet(max_docid_);
  return cache_.Locations(db_)->Within(centre, radius_m, within);
}

DocSet MatchEvaluator::Filter(const Xapian::Query& query, const Xapian::MatchDecider* decider, const DocSet& within) {
  if (within.Empty()) return within;
  DocSetPostingSource source(within);
  Xapian::Query restricted(&source);
  if (!query.empty()) restricted = Xapian::Query(Xapian::Query::OP_FILTER, query, restricted);
  DocSet out(max_docid_);
  DocSetCollector collect(&out);
  Xapian::Enquire enquire(db_);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
  enquire.add_matchspy(&collect);
  enquire.set_query(restricted);
  enquire.get_mset(0, 0, db_.get_doccount(), nullptr, decider);
  return out;
}

DocSet MatchEvaluator::EvalPhrase(const QueryNode& node, const DocSet* focus) {
  PostingCache::PhraseChecks known;
  if (check_positions_) {
    known = cache_.Phrase(db_, node.terms);
    if (known.complete) {
      DocSet out = known.holding->ToDocSet(max_docid_);
      if (focus) out.IntersectWith(*focus);
      return out;
    }
  }
  // Only documents with every term can hold the phrase; Xapian checks positions on those. Cached
  // bitmaps first, then the shortest lists, so that the long uncached lists are looked up only
  // on the few candidates left.
  struct Part {
    bool uncached;
    Xapian::doccount freq;
    const std::string* term;
    auto Key() const { return std::tie(uncached, freq, *term); }
  };
  std::vector<Part> parts;
  for (const auto& t : node.terms) parts.push_back({!cache_.HasDocs(db_, t), cache_.TermFreq(db_, t), &t});
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.Key() < b.Key(); });
  parts.erase(std::unique(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return *a.term == *b.term; }),
              parts.end());
  auto with_every_term = [&](DocSet docs) {
    for (const Part& part : parts) {
      docs = TermDocsWithin(*part.term, docs);
      if (docs.Empty()) break;
    }
    return docs;
  };
  DocSet candidates = with_every_term(focus ? *focus : *TermDocs(*parts.front().term));
  if (!check_positions_ || candidates.Empty()) return candidates;

  // Candidates checked by earlier queries at this revision are not checked again.
  DocSet unknown = candidates;
  if (known.checked) known.checked->SubtractFrom(&unknown);
  // found (documents just checked and holding the phrase) with what earlier checks found.
  auto with_known = [&](DocSet found) {
    if (known.holding) known.holding->AddTo(&found);
    return found;
  };
  auto among_candidates = [&](DocSet holding) {
    holding.IntersectWith(candidates);
    return holding;
  };
  if (unknown.Empty()) return among_candidates(with_known(DocSet(max_docid_)));
  const size_t n = unknown.Count();
  if (n < cache_.options().min_phrase_candidates_to_keep)
    return among_candidates(with_known(Filter(ToXapian(node), nullptr, unknown)));
  // Checking many candidates is costly: then check every document that could hold the phrase,
  // when that is not much more work, else these candidates; either way, keep what was found for
  // the other queries at this revision.
  PostingCache::PhraseChecks now;
  DocSet to_check = focus ? with_every_term(*TermDocs(*parts.front().term)) : candidates;
  if (known.checked) known.checked->SubtractFrom(&to_check);
  now.complete = to_check.Count() <= 4 * n;
  if (!now.complete) to_check = std::move(unknown);
  DocSet holding = with_known(Filter(ToXapian(node), nullptr, to_check));
  if (!now.complete) {
    if (known.checked) known.checked->AddTo(&to_check);
    now.checked = std::make_shared<const CompactDocSet>(to_check);
  }
  now.holding = std::make_shared<const CompactDocSet>(holding);
  cache_.KeepPhrase(db_, node.terms, now);
  return among_candidates(std::move(holding));
}

DocSet MatchEvaluator::EvaluateIgnoringPositions(const QueryNode& node, const DocSet* within) {
  struct Restore {
    bool& flag;
    ~Restore() { flag = true; }
  } restore{check_positions_};
  check_positions_ = false;
  return Eval(node, within);
}

DocSet MatchEvaluator::Eval(const QueryNode& node, const DocSet* focus) {
  switch (node.kind) {
    case Kind::kNothing:
      return DocSet(max_docid_);
    case Kind::kTerm:
    case Kind::kBoost:
      return TermDocsFor(node.terms[0], focus);
    case Kind::kPhrase:
      return EvalPhrase(node, focus);
    case Kind::kAnd: {
      // The most selective bitmap-only parts first, so that the long posting lists of the others
      // may be looked up only where needed and the phrase checks see as few candidates as possible.
      std::vector<std::pair<Xapian::doccount, const QueryNode*>> sized;
      for (const auto& c : node.children)
        if (!HasPhrase(c)) sized.emplace_back(MaxMatches(c), &c);
      std::stable_sort(sized.begin(), sized.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<const QueryNode*> order;
      for (const auto& [size, c] : sized) order.push_back(c);
      for (const auto& c : node.children)
        if (HasPhrase(c)) order.push_back(&c);
      DocSet acc = Eval(*order[0], focus);
      for (size_t i = 1; i < order.size() && !acc.Empty(); ++i) {
        if (IsTermLike(*order[i])) {
          acc = TermDocsWithin(order[i]->terms[0], acc);
        } else {
          acc.IntersectWith(Eval(*order[i], &acc));
        }
      }
      return acc;
    }
    case Kind::kAndMaybe:
      return Eval(node.children[0], focus);
    case Kind::kOr: {
      DocSet acc(max_docid_);
      for (const auto& c : node.children) {
        if (HasPhrase(c)) continue;
        if (IsTermLike(c)) {
          acc.UnionWith(TermDocsFor(c.terms[0], focus));
        } else {
          acc.UnionWith(Eval(c, focus));
        }
      }
      for (const auto& c : node.children) {
        if (!HasPhrase(c)) continue;
        // Documents already matched need no phrase check.
        DocSet open = focus ? *focus : AllDocuments();
        open.Subtract(acc);
        if (open.Empty()) break;
        acc.UnionWith(Eval(c, &open));
      }
      return acc;
    }
  }
  return DocSet(max_docid_);
}

}  // namespace ibasho::search
