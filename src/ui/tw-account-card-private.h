/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-account-card.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* What the rows show, for tests: "PAPER"/"LIVE", the day P/L line, the blocks line
 * (NULL when not blocked). */
const char *tw_account_card_get_mode_text    (TwAccountCard *self);
const char *tw_account_card_get_day_pl_text  (TwAccountCard *self);
const char *tw_account_card_get_blocked_text (TwAccountCard *self);
/* The stale/error line, NULL when hidden. */
const char *tw_account_card_get_problem_text (TwAccountCard *self);
/* The broker's mode against the profile's ("LIVE account in a PAPER profile…"), NULL
 * when they agree. */
const char *tw_account_card_get_mode_warning_text (TwAccountCard *self);

G_END_DECLS
