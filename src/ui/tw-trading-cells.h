/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tw-portfolio.h"

G_BEGIN_DECLS

/* Columns of the Positions and Orders tables. Each cell follows its item's property in
 * place ("notify::…"), so a refresh that changes the model objects updates only the
 * rows on screen and never rebuilds the list. */
typedef enum
{
  TW_CELL_TEXT,          /* a string property; "—" when NULL */
  TW_CELL_BROKER_WORD,   /* a broker's or API's word ("BUY", "limit"): tw_trading_format_broker_word() */
  TW_CELL_QTY,           /* a double: "50", "−15", "0.5" */
  TW_CELL_MONEY,         /* a double: "9,115.00" */
  TW_CELL_PL,            /* a double: icon + "+105.00" */
  TW_CELL_PL_FRACTION,   /* a double fraction: icon + "+1.17 %" */
  TW_CELL_AGE,           /* an int64 of seconds: "12 min" */
  TW_CELL_ORDER_STATUS,  /* "status" and "stuck": a stuck order has an icon, "Stuck" and the warning
                          * style; "approval-status" (IBKR assistant) on a second line */
  TW_CELL_BUTTON,        /* a button for the row's action, target the item's "key", insensitive while "busy" */
  TW_CELL_LINES,         /* two lines made by the column's "lines" function, for a narrow table: the
                          * column is shown only when the table is made compact (tw_trading_view_fit) */
} TwCellKind;

/* TW_CELL_LINES: the text of @line (0 or 1) of @item's cell; @warning: whether it is
 * drawn in the warning style. (transfer full) */
typedef char *(*TwCellLinesFunc) (gpointer  item,
                                  guint     line,
                                  gboolean *warning);

typedef struct
{
  const char *id;
  const char *title;     /* untranslated; translated with _() */
  const char *property;  /* NULL for buttons */
  TwCellKind  kind;
  const char *action;    /* TW_CELL_BUTTON: the detailed action name */
  const char *tooltip;   /* TW_CELL_BUTTON: untranslated, followed by the symbol */
  gboolean    expand;
  int         fixed_width; /* > 0: this width, long texts ellipsized (and in the tooltip) */
  TwCellLinesFunc lines;   /* TW_CELL_LINES; "property" then only sorts the column */
} TwCellColumn;

/* A column (factory and sorter) for items of @item_type. (transfer full) */
GtkColumnViewColumn *tw_trading_column_new      (const TwCellColumn *info,
                                                 GType               item_type);
/* The sorter of a cell kind on @property of @item_type, or NULL (buttons). (transfer full) */
GtkSorter           *tw_trading_sorter_new      (GType               item_type,
                                                 const char         *property,
                                                 TwCellKind          kind);

/* What a cell of @info's column shows for @item, as one line of text (not for buttons):
 * for a TW_CELL_LINES column to say what the columns it stands for say. (transfer full) */
char                *tw_trading_cell_format     (const TwCellColumn *info,
                                                 gpointer            item);
/* tw_trading_cell_format() of the column @id among @columns. (transfer full) */
char                *tw_trading_columns_format  (const TwCellColumn *columns,
                                                 guint               n_columns,
                                                 const char         *id,
                                                 gpointer            item);

/* Fits the table into @width px without scrolling sideways, its actions last: every
 * column shown but the TW_CELL_LINES ones, then those named in @hide_order (NULL
 * terminated, first given up first) hidden one by one until it fits. If it still does
 * not, only the columns named in @compact (nullable, NULL terminated: e.g. a two-line
 * TW_CELL_LINES column, the actions) are shown. If even that does not fit, the
 * "actions" column comes first, in sight without scrolling. Returns whether any column
 * was hidden or the actions moved; @fits whether the table fits @width. */
gboolean             tw_trading_view_fit        (GtkColumnView      *view,
                                                 int                 width,
                                                 const char * const *hide_order,
                                                 const char * const *compact,
                                                 gboolean           *fits);
/* Whether the table shows its compact columns (@compact of tw_trading_view_fit()). */
gboolean             tw_trading_view_get_compact (GtkColumnView     *view);
/* The table's minimum width as it is now. */
int                  tw_trading_view_measure    (GtkColumnView      *view);

/* A table off screen follows no refresh: its page detaches @model when unmapped and
 * attaches it again when mapped, where the table is scrolled back to where it was (the
 * selection lives in @model and is kept). */
void                 tw_trading_view_detach     (GtkColumnView      *view);
void                 tw_trading_view_attach     (GtkColumnView      *view,
                                                 GtkSelectionModel  *model);
/* Releases the view *@held holds, if any, and holds @portfolio's (nullable) instead:
 * a page on screen holds it (tw_portfolio_hold_view()). */
void                 tw_trading_hold_view       (TwPortfolio       **held,
                                                 TwPortfolio        *portfolio);

/* The data age of the portfolio's services as one line: the oldest ("updated 3 s ago",
 * "stale — updated 4 min ago", "no answer yet"). @out_any: whether any service of the
 * profile has positions, orders or an account. (transfer full) */
char                *tw_trading_describe_age    (TwPortfolio        *portfolio,
                                                 gboolean           *out_stale,
                                                 gboolean           *out_any);
/* Shows it in @label (the warning style when stale, dim otherwise) and @stale_image. */
void                 tw_trading_show_age        (GtkLabel           *label,
                                                 GtkWidget          *stale_image,
                                                 TwPortfolio        *portfolio,
                                                 gboolean           *out_stale,
                                                 gboolean           *out_any);

G_END_DECLS
