#include "search/engine/term_impacts.h"

#include <algorithm>

namespace ibasho::search {

std::shared_ptr<const TermImpacts> JoinSegments(const TermImpacts& chain) {
  auto one = std::make_shared<TermImpacts>();
  one->doccount = chain.doccount;
  one->average_length = chain.average_length;
  one->termfreq = chain.termfreq;
  one->exact = chain.exact;
  one->postings = chain.postings;
  if (chain.HasDenseSegment()) {
    one->dense.assign(size_t{chain.LastDoc()} + 1, 0.0f);
    chain.ForEachSegment([&](const TermImpacts& segment) {
      std::copy(segment.dense.begin(), segment.dense.end(), one->dense.begin());
      for (size_t i = 0; i < segment.docs.size(); ++i) one->dense[segment.docs[i]] = segment.weights[i];
    });
  } else {
    one->docs.reserve(chain.postings);
    one->weights.reserve(chain.postings);
    chain.ForEachSegment([&](const TermImpacts& segment) {
      one->docs.insert(one->docs.end(), segment.docs.begin(), segment.docs.end());
      one->weights.insert(one->weights.end(), segment.weights.begin(), segment.weights.end());
    });
  }
  return one;
}

}  // namespace ibasho::search
