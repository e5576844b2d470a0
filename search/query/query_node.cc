#include "search/query/query_node.h"

#include <algorithm>

namespace ibasho::search {
namespace {

QueryNode Combine(QueryNode::Kind kind, std::vector<QueryNode> parts) {
  parts.erase(std::remove_if(parts.begin(), parts.end(), [](const QueryNode& q) { return q.empty(); }), parts.end());
  if (parts.empty()) return QueryNode();
  if (parts.size() == 1) return std::move(parts[0]);
  QueryNode n;
  n.kind = kind;
  n.children = std::move(parts);
  return n;
}

Xapian::Query Scaled(Xapian::Query q, double weight) {
  return weight == 1.0 ? q : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, weight);
}

}  // namespace

QueryNode QueryNode::Term(std::string term, double weight) {
  QueryNode n;
  n.kind = Kind::kTerm;
  n.terms.push_back(std::move(term));
  n.weight = weight;
  return n;
}

QueryNode QueryNode::Phrase(std::vector<std::string> terms, double weight) {
  if (terms.empty()) return QueryNode();
  if (terms.size() == 1) return Term(std::move(terms[0]), weight);
  QueryNode n;
  n.kind = Kind::kPhrase;
  n.terms = std::move(terms);
  n.weight = weight / static_cast<double>(n.terms.size());
  return n;
}

QueryNode QueryNode::Boost(std::string term, double weight) {
  QueryNode n = Term(std::move(term), weight);
  n.kind = Kind::kBoost;
  return n;
}

QueryNode QueryNode::And(std::vector<QueryNode> parts) { return Combine(Kind::kAnd, std::move(parts)); }
QueryNode QueryNode::Or(std::vector<QueryNode> parts) { return Combine(Kind::kOr, std::move(parts)); }

QueryNode QueryNode::AndMaybe(QueryNode required, std::vector<QueryNode> optional) {
  if (required.empty()) return QueryNode();
  std::erase_if(optional, [](const QueryNode& q) { return q.empty(); });
  if (optional.empty()) return required;
  QueryNode n;
  n.kind = Kind::kAndMaybe;
  n.children.push_back(std::move(required));
  for (auto& o : optional) n.children.push_back(std::move(o));
  return n;
}

Xapian::Query ToXapian(const QueryNode& node, const XapianQueryOptions& options) {
  using K = QueryNode::Kind;
  switch (node.kind) {
    case K::kNothing:
      return Xapian::Query();
    case K::kTerm:
      return Scaled(Xapian::Query(node.terms[0]), node.weight);
    case K::kPhrase:
      if (options.phrases_as_conjunctions)
        return Scaled(Xapian::Query(Xapian::Query::OP_AND, node.terms.begin(), node.terms.end()), node.weight);
      return Scaled(Xapian::Query(Xapian::Query::OP_PHRASE, node.terms.begin(), node.terms.end(),
                                  static_cast<Xapian::termcount>(node.terms.size())),
                    node.weight);
    case K::kBoost: {
      Xapian::Query constant((new Xapian::FixedWeightPostingSource(node.weight))->release());
      return Xapian::Query(Xapian::Query::OP_FILTER, constant, Xapian::Query(node.terms[0]));
    }
    case K::kAnd:
    case K::kOr: {
      std::vector<Xapian::Query> parts;
      for (const auto& c : node.children) parts.push_back(ToXapian(c, options));
      return Xapian::Query(node.kind == K::kAnd ? Xapian::Query::OP_AND : Xapian::Query::OP_OR, parts.begin(),
                           parts.end());
    }
    case K::kAndMaybe: {
      std::vector<Xapian::Query> optional;
      for (size_t i = 1; i < node.children.size(); ++i) optional.push_back(ToXapian(node.children[i], options));
      return Xapian::Query(Xapian::Query::OP_AND_MAYBE, ToXapian(node.children[0], options),
                           Xapian::Query(Xapian::Query::OP_OR, optional.begin(), optional.end()));
    }
  }
  return Xapian::Query();
}

}  // namespace ibasho::search
