// Output 3, the access letters (Приложение 2 of the regulation on the electronic journal):
// for each electronic guardian a printable notice with the school, the guardian, the
// children, the diary's address and a QR code of it, how to keep the address private and
// what to do on a breach (3.13-3.16), and the director's signature line. A class's
// notices as one PDF, each on its own sheet; after `revoke` the new address is printed.
#pragma once

#include <string>
#include <vector>

#include "figures/audience.h"

namespace jp {

struct LetterBatch {
  int class_ix = -1;
  std::vector<FamilyArea> areas;
  /// Each notice's date: the day its address was first printed (0: `today`). A letter
  /// printed again (`--letters --all`) says the day its address was issued, not the build's.
  std::vector<Day> issued;
};

/// Each guardian's notice goes with the class of their first child (in the journal's
/// order of the guardian's children) on `today`; classes in the journal's order.
std::vector<LetterBatch> letter_batches(const Journal& j, const std::vector<FamilyArea>& areas,
                                        Day today);

/// `base_url` ends with `/`: a notice's address is `base_url + folder + "/"`.
std::string render_pdf_letters(const Journal& j, const LetterBatch& b, const std::string& base_url,
                               Day today);

}  // namespace jp
