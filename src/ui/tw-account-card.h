/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-account.h"
#include "tw-enums.h"

G_BEGIN_DECLS

/* The account summary of one broker service on the Positions page: PAPER or LIVE,
 * equity, day P/L (money and %, with sign and icon), buying power, cash, status, and
 * and one banner in a place kept for it (so nothing below moves when it comes): the
 * blocks (trading, account, suspended by user), a broker mode that is not the profile's,
 * stale figures or the last error, worst first.
 * Its header has "Flatten Account…" (positions.flatten with the service id).
 * Properties: "account" (TwAccount, construct-only). Follows the account in place. */
#define TW_TYPE_ACCOUNT_CARD (tw_account_card_get_type ())
G_DECLARE_FINAL_TYPE (TwAccountCard, tw_account_card, TW, ACCOUNT_CARD, AdwPreferencesGroup)

GtkWidget  *tw_account_card_new              (TwAccount     *account);
TwAccount  *tw_account_card_get_account      (TwAccountCard *self);
/* The service's data age ("updated 3 s ago", "stale — …") and last error (nullable). */
void        tw_account_card_set_state        (TwAccountCard *self,
                                              const char    *age_text,
                                              gboolean       stale,
                                              const char    *error);
/* The profile's mode, against which the broker's is checked. */
void        tw_account_card_set_profile_mode (TwAccountCard *self,
                                              TwMode         mode);

G_END_DECLS
