// BM25 term weights as Xapian's BM25Weight computes them with its default parameters (k1 = 1,
// k2 = 0, k3 = 1, b = 0.5, min_normlen = 0.5, one occurrence of the term in the query), so that
// ranking from precomputed weights orders documents the way Xapian's matcher would.
#ifndef IBASHO_SEARCH_ENGINE_BM25_H_
#define IBASHO_SEARCH_ENGINE_BM25_H_

#include <xapian.h>

#include <algorithm>
#include <cmath>

namespace ibasho::search {

class Bm25TermWeight {
 public:
  // For a term in termfreq of the database's documents.
  Bm25TermWeight(const Xapian::Database& db, Xapian::doccount termfreq) {
    double n = db.get_doccount();
    double tw = (n - termfreq + 0.5) / (termfreq + 0.5);
    if (tw < 2) tw = tw * 0.5 + 1;  // terms in more than a third of the documents keep a small positive weight
    idf_ = std::log(tw);
    double average_length = db.get_avlength();
    length_factor_ = average_length > 0 ? 1 / average_length : 0;
  }

  // The weight in a document of length doclength where the term occurs wdf times.
  double operator()(Xapian::termcount wdf, Xapian::termcount doclength) const {
    double normalized_length = std::max(doclength * length_factor_, kMinNormalizedLength);
    double denominator = kK1 * (normalized_length * kB + (1 - kB)) + wdf;
    return denominator == 0 ? 0 : idf_ * (wdf * (kK1 + 1) / denominator);
  }

 private:
  static constexpr double kK1 = 1, kB = 0.5, kMinNormalizedLength = 0.5;
  double idf_;
  double length_factor_;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_BM25_H_
