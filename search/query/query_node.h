// QueryNode: a query tree as the query builder makes it, before it becomes a Xapian query. The
// searcher ranks with ToXapian(node) and computes the exact match set from the same tree with
// posting bitmaps (match_set.h), where boosts are plain terms and weights do not matter.
#ifndef IBASHO_SEARCH_QUERY_QUERY_NODE_H_
#define IBASHO_SEARCH_QUERY_QUERY_NODE_H_

#include <xapian.h>

#include <string>
#include <vector>

namespace ibasho::search {

struct QueryNode {
  enum class Kind {
    kNothing,  // matches nothing; dropped from And/Or
    kTerm,     // terms[0], weighted
    kPhrase,   // terms in order at consecutive positions, weighted
    kBoost,    // documents with the boolean term terms[0] get the constant weight
    kAnd,
    kOr,
    kAndMaybe,  // matches children[0]; the other children only add their weight where they match
  };
  Kind kind = Kind::kNothing;
  std::vector<std::string> terms;
  double weight = 1.0;
  std::vector<QueryNode> children;

  bool empty() const { return kind == Kind::kNothing; }

  static QueryNode Term(std::string term, double weight = 1.0);
  // A single term is a Term; the phrase's weight is shared among its terms.
  static QueryNode Phrase(std::vector<std::string> terms, double weight);
  static QueryNode Boost(std::string term, double weight);
  // Empty parts are dropped; one part is returned as it is; none gives an empty node.
  static QueryNode And(std::vector<QueryNode> parts);
  static QueryNode Or(std::vector<QueryNode> parts);
  // required, with the weight of each optional part that also matches; required alone when no
  // optional part is left.
  static QueryNode AndMaybe(QueryNode required, std::vector<QueryNode> optional);
};

struct XapianQueryOptions {
  // Phrases become the plain conjunction of their terms: the same weight without position checks.
  // Only for ranking documents already known to match.
  bool phrases_as_conjunctions = false;
};

// The Xapian query that ranks like the tree (BM25 on terms and phrases, constant boosts).
Xapian::Query ToXapian(const QueryNode& node, const XapianQueryOptions& options = {});

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_QUERY_QUERY_NODE_H_
