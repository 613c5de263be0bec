/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-trading-cells.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* The text a cell widget shows (its label; for tests walking the table). (nullable) */
const char          *tw_trading_cell_get_text   (GtkWidget          *cell);
/* The column id of a cell widget made by these factories, or NULL. */
const char          *tw_trading_cell_get_column (GtkWidget          *cell);
/* (transfer none) (nullable) the item a cell widget shows */
gpointer             tw_trading_cell_get_item   (GtkWidget          *cell);

G_END_DECLS
