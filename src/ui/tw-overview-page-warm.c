/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-overview-page.h"
#include "tw-overview-page-private.h"
#include "tw-ui-util.h"

/* The fonts and glyphs of the Overview, warmed before a profile opens.
 *
 * The first frame after a profile opens lays out and draws the whole window at once:
 * the sidebar, the lines above the list and its first rows. Each text style it draws
 * for the first time costs Pango loading the font (fontconfig), HarfBuzz a shape plan
 * for it, FreeType loading and hinting each glyph for its extents, and the renderer
 * rasterizing each glyph into the cairo image compositor's glyph cache — most of that
 * frame's paint, and part of its layout. While the window shows no profile, each idle
 * step here does that for one style the first frame uses: a label with that style's
 * classes (the same CSS, so the same font description and font features), its layout
 * drawn through the renderer's own text drawing (a text node drawn with cairo, as
 * GTK's cairo renderer does: the glyphs land in the caches the window's text nodes use;
 * a GL renderer keeps its own glyph atlas, but the fonts, shaping and extents are
 * shared). Nothing of it is shown: what the window draws is the same, only sooner. */

/* The characters the Overview's words and figures are made of: printable ASCII, the
 * punctuation its lines use and the letters of the translations. */
#define WARM_TEXT " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`" \
                  "abcdefghijklmnopqrstuvwxyz{|}~\u2026\u00b7\u2014\u2013\u2192\u00b5" \
                  "\u00e4\u00f6\u00fc\u00c4\u00d6\u00dc\u00df"

/* One style a step, the classes of the labels that use it (NULL-terminated). */
static const char *const warm_styles[][3] = {
  { NULL },                      /* the body: the sidebar's pages, the empty list's text */
  { "heading", NULL },           /* the rows' names, health and trading words; Halt All */
  { "caption", NULL },           /* the rows' connector names */
  { "caption", "numeric", NULL },/* the rows' latency and age (tabular figures) */
  { "title-4", NULL },           /* the summary line */
  { "title-2", NULL },           /* the trading line */
  { "tw-badge", NULL },          /* PAPER or LIVE in the header bar */
  { "tw-page-badge", NULL },     /* a sidebar page's badge */
};

/* Warms style @step; FALSE when there is none. */
static gboolean
warm_style (guint step)
{
  g_autoptr(GtkWidget) label = NULL;

  if (step >= G_N_ELEMENTS (warm_styles))
    return FALSE;
  label = g_object_ref_sink (gtk_label_new (WARM_TEXT));
  for (guint i = 0; warm_styles[step][i] != NULL; i++)
    gtk_widget_add_css_class (label, warm_styles[step][i]);
  /* The label's own layout: its CSS font and its font features (tnum). */
  tw_ui_warm_layout (gtk_label_get_layout (GTK_LABEL (label)));
  return TRUE;
}

static gboolean
warm_cb (gpointer data)
{
  TwOverviewPage *self = data;

  if (warm_style (self->warm_step))
    {
      self->warm_step++;
      if (self->warm_step < G_N_ELEMENTS (warm_styles))
        return G_SOURCE_CONTINUE;
    }
  self->warm_id = 0;
  return G_SOURCE_REMOVE;
}

/**
 * tw_overview_page_warm_up:
 *
 * Warms the fonts and glyphs the page's first frame draws, a style in each idle (a few
 * milliseconds each), once: for a window that shows no profile yet. Stops when the page
 * is shown (its first frame has drawn them).
 */
void
tw_overview_page_warm_up (TwOverviewPage *self)
{
  g_return_if_fail (TW_IS_OVERVIEW_PAGE (self));

  if (self->warm_id != 0 || self->warm_step >= G_N_ELEMENTS (warm_styles) ||
      gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->warm_id = g_idle_add_full (G_PRIORITY_LOW, warm_cb, self, NULL);
}

void
_tw_overview_page_stop_warming (TwOverviewPage *self)
{
  g_clear_handle_id (&self->warm_id, g_source_remove);
}

gboolean
tw_overview_page_is_warm (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), FALSE);

  return self->warm_step >= G_N_ELEMENTS (warm_styles);
}
