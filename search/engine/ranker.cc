#include "search/engine/ranker.h"

#include <algorithm>
#include <queue>

namespace ibasho::search {
namespace {

using Kind = QueryNode::Kind;

// Adds the weights of a query tree into a docid-indexed score array.
class Scorer {
 public:
  Scorer(MatchEvaluator& evaluator, std::vector<float>& scores) : evaluator_(evaluator), scores_(scores) {}

  // Adds node's weight to every member of mask; every member matches node.
  void Add(const QueryNode& node, const DocSet& mask) {
    switch (node.kind) {
      case Kind::kNothing:
        return;
      case Kind::kTerm:
        AddTerm(node.terms[0], node.weight, mask);
        return;
      case Kind::kBoost:
        mask.ForEach([&](Xapian::docid id) { scores_[id] += static_cast<float>(node.weight); });
        return;
      case Kind::kPhrase:
        for (const auto& t : node.terms) AddTerm(t, node.weight, mask);
        return;
      case Kind::kAnd:
        for (const auto& c : node.children) Add(c, mask);
        return;
      case Kind::kOr:
        for (const auto& c : node.children) AddWhereMatching(c, mask);
        return;
      case Kind::kAndMaybe:
        Add(node.children[0], mask);
        for (size_t i = 1; i < node.children.size(); ++i) AddWhereMatching(node.children[i], mask);
        return;
    }
  }

 private:
  // Adds node's weight to the members of mask that match node.
  void AddWhereMatching(const QueryNode& node, const DocSet& mask) {
    if (node.kind == Kind::kTerm) {  // its weights are only for its own documents
      AddTerm(node.terms[0], node.weight, mask);
      return;
    }
    DocSet within = evaluator_.EvaluateIgnoringPositions(node, &mask);
    within.IntersectWith(mask);
    if (!within.Empty()) Add(node, within);
  }

  void AddTerm(const std::string& term, double scale, const DocSet& mask) {
    evaluator_.AddWeightsWithin(term, mask, scale, &scores_);
  }

  MatchEvaluator& evaluator_;
  std::vector<float>& scores_;
};

// Better first: higher weight, then lower docid.
bool Better(const RankedDocument& a, const RankedDocument& b) {
  return a.weight != b.weight ? a.weight > b.weight : a.id < b.id;
}

}  // namespace

std::vector<RankedDocument> RankByRelevance(MatchEvaluator& evaluator, const QueryNode& query, const DocSet& matching,
                                            size_t offset, size_t count, std::vector<float>* scores) {
  if (scores->size() <= evaluator.max_docid()) scores->resize(evaluator.max_docid() + 1, 0.0f);
  // When most documents match, whole-array passes beat visiting the members one by one.
  const size_t members = matching.Count();
  const bool most_match = members * 2 > matching.max_docid();
  // Whatever happens, the scratch scores go back to zero.
  struct Reset {
    const DocSet& docs;
    bool whole;
    std::vector<float>& scores;
    ~Reset() {
      if (whole) {
        std::fill(scores.begin(), scores.begin() + docs.max_docid() + 1, 0.0f);
      } else {
        docs.ForEach([&](Xapian::docid id) { scores[id] = 0; });
      }
    }
  } reset{matching, most_match, *scores};

  Scorer(evaluator, *scores).Add(query, matching);

  const size_t keep = offset + count;
  std::priority_queue<RankedDocument, std::vector<RankedDocument>, decltype(&Better)> worst_on_top(&Better);
  auto consider = [&](Xapian::docid id, float weight) {
    RankedDocument d{id, weight};
    if (worst_on_top.size() < keep) {
      worst_on_top.push(d);
    } else if (Better(d, worst_on_top.top())) {
      worst_on_top.pop();
      worst_on_top.push(d);
    }
  };
  if (keep > 0 && most_match) {
    // Ids ascend, so once keep documents are held, one with a weight no higher than the worst
    // held cannot be better (ties go to the lower id).
    const std::vector<float>& s = *scores;
    for (Xapian::docid id = 1; id <= matching.max_docid(); ++id) {
      if (worst_on_top.size() == keep && s[id] <= worst_on_top.top().weight) continue;
      if (matching.Contains(id)) consider(id, s[id]);
    }
  } else if (keep > 0) {
    matching.ForEach([&](Xapian::docid id) { consider(id, (*scores)[id]); });
  }
  std::vector<RankedDocument> ranked;
  ranked.reserve(worst_on_top.size());
  for (; !worst_on_top.empty(); worst_on_top.pop()) ranked.push_back(worst_on_top.top());
  std::reverse(ranked.begin(), ranked.end());
  if (offset >= ranked.size()) return {};
  return std::vector<RankedDocument>(ranked.begin() + static_cast<std::ptrdiff_t>(offset), ranked.end());
}

}  // namespace ibasho::search
