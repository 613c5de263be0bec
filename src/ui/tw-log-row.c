/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-row.h"
#include "tw-ui-util.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#include <string.h>
#include <time.h>

/* The most of a line its tooltip shows. */
#define TOOLTIP_MAX_CHARS 2000

#define SPACING 8      /* px between columns, as the box of labels had */
#define ID_PADDING 6   /* px either side of the id, as its flat button had */
#define DIM_ALPHA 0.55 /* Adwaita's .dim-label */

enum { COL_SOURCE, COL_TIME, COL_LEVEL, COL_FLAG, COL_TEXT, COL_ID, N_COLS };

struct _TwLogRow
{
  GtkWidget    parent_instance;

  TwLogLine   *line;
  char        *match_text;
  GRegex      *match_regex;
  PangoLayout *layouts[N_COLS];  /* made when the row is first drawn after a change */
  gboolean     laid_out;
  guint        laid_serial;  /* of the Pango context the layouts were made with */
  int          laid_width;
  int          x[N_COLS];
  int          id_width;
  int          text_kept;    /* characters of the text laid out, 0: all of it */
};

G_DEFINE_FINAL_TYPE (TwLogRow, tw_log_row, GTK_TYPE_WIDGET)

static const char *
flag_text (TwLogLine *line)
{
  guint flags = tw_log_line_get_flags (line);

  if (flags & TW_LOG_LINE_LOST)
    return _("no longer in the file (truncated by a rotation)");
  if (flags & TW_LOG_LINE_CUT)
    return _("cut by a rotation");
  if (flags & TW_LOG_LINE_BINARY)
    return _("binary");
  if (tw_log_line_get_malformed (line))
    return _("not JSON");
  if (flags & TW_LOG_LINE_SHORTENED)
    return _("shortened");
  return NULL;
}

/* "2026-12-06 14:30:00" in local time, or "" */
static void
format_time (gint64 time,
             char   buf[32])
{
  time_t t = (time_t) (time / G_USEC_PER_SEC);
  struct tm tm;

  buf[0] = '\0';
  if (time != 0 && localtime_r (&t, &tm) != NULL)
    strftime (buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

char *
tw_log_row_describe_line (TwLogLine *line)
{
  GString *out = g_string_new (NULL);
  const char *text = tw_log_line_get_text (line);
  const char *flag = flag_text (line);
  const char *cid = tw_log_line_get_correlation_id (line);
  char time[32];

  format_time (tw_log_line_get_time (line), time);
  if (*time != '\0')
    g_string_append_printf (out, "%s, ", time);
  /* TRANSLATORS: what a screen reader says of a log line: its level, the log's name, the
   * line's text, e.g. "ERROR, trading: Order rejected" */
  g_string_append_printf (out, _("%s, %s: %s"),
                          tw_log_level_to_string (tw_log_line_get_level (line)),
                          tw_log_line_get_source_id (line),
                          text != NULL ? text : "");
  if (flag != NULL)
    g_string_append_printf (out, " (%s)", flag);
  if (cid != NULL)
    /* TRANSLATORS: after a log line read by a screen reader: its correlation id */
    g_string_append_printf (out, _(", id %s"), cid);
  return g_string_free (out, FALSE);
}

/* The filter's matches, marked as the search marks them. */
static PangoAttrList *
match_attributes (TwLogRow   *self,
                  const char *text)
{
  PangoAttrList *attrs = NULL;
  gsize len = strlen (text);
  g_autofree guint8 *marked = NULL;
  gsize run = 0;

  if (self->match_text == NULL && self->match_regex == NULL)
    return NULL;
  marked = g_malloc0 (len + 1);
  if (self->match_text != NULL)
    {
      gsize n = strlen (self->match_text);

      for (gsize i = 0; n > 0 && i + n <= len; i++)
        if (g_ascii_strncasecmp (text + i, self->match_text, n) == 0)
          memset (marked + i, 1, n);
    }
  if (self->match_regex != NULL)
    {
      g_autoptr(GMatchInfo) info = NULL;

      g_regex_match (self->match_regex, text, 0, &info);
      while (g_match_info_matches (info))
        {
          int start, end;

          if (g_match_info_fetch_pos (info, 0, &start, &end) && end > start)
            memset (marked + start, 1, end - start);
          if (!g_match_info_next (info, NULL))
            break;
        }
    }
  for (gsize i = 0; i <= len; i++)
    {
      if (i < len && marked[i])
        {
          if (i == 0 || !marked[i - 1])
            run = i;
          continue;
        }
      if (i > 0 && marked[i - 1])
        {
          PangoAttribute *bg = pango_attr_background_new (0xf6f6, 0xd3d3, 0x2d2d);
          PangoAttribute *fg = pango_attr_foreground_new (0x2424, 0x1f1f, 0x3131);

          if (attrs == NULL)
            attrs = pango_attr_list_new ();
          bg->start_index = fg->start_index = run;
          bg->end_index = fg->end_index = i;
          pango_attr_list_insert (attrs, bg);
          pango_attr_list_insert (attrs, fg);
        }
    }
  return attrs;
}

static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             gboolean    monospace,
             PangoWeight weight,
             double      scale)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  if (monospace || weight != PANGO_WEIGHT_NORMAL || scale != 1.0)
    {
      const PangoFontDescription *base = pango_context_get_font_description (pango_layout_get_context (layout));
      PangoFontDescription *desc = pango_font_description_copy (base);

      if (monospace)
        pango_font_description_set_family (desc, "monospace");
      if (weight != PANGO_WEIGHT_NORMAL)
        pango_font_description_set_weight (desc, weight);
      if (scale != 1.0)
        {
          int size = pango_font_description_get_size (desc);

          if (pango_font_description_get_size_is_absolute (desc))
            pango_font_description_set_absolute_size (desc, size * scale);
          else
            pango_font_description_set_size (desc, (int) (size * scale));
        }
      pango_layout_set_font_description (layout, desc);
      pango_font_description_free (desc);
    }
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  return layout;
}

/* A font's metrics cost a shaping of sample text each time they are asked for
 * (pango_context_get_metrics): the rows share the last ones (in Pango units), as long
 * as the font, font map, resolution, font options and language are the same; and the
 * layouts of their short columns (shared_layout()). Main thread only. */
typedef struct
{
  PangoFontDescription *desc;
  PangoFontMap         *font_map;
  PangoLanguage        *language;
  double                resolution;
  cairo_font_options_t *options;
  GHashTable           *layouts;      /* "COLUMN WEIGHT TEXT" → PangoLayout */
  int                   char_width;   /* the wider of a character and a digit */
  int                   height;
  int                   ascent;
  int                   mono_height;  /* the text's monospace font */
  int                   mono_char_width;
} Metrics;

static Metrics metrics_cache;

static const Metrics *
get_metrics (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *desc = pango_context_get_font_description (context);
  PangoFontMap *font_map = pango_context_get_font_map (context);
  PangoLanguage *language = pango_context_get_language (context);
  double resolution = pango_cairo_context_get_resolution (context);
  const cairo_font_options_t *options = pango_cairo_context_get_font_options (context);
  Metrics *m = &metrics_cache;

  if (m->desc == NULL || m->font_map != font_map || m->language != language
      || m->resolution != resolution || !pango_font_description_equal (m->desc, desc)
      || (options == NULL) != (m->options == NULL)
      || (options != NULL && !cairo_font_options_equal (options, m->options)))
    {
      PangoFontDescription *mono = pango_font_description_copy (desc);
      PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
      PangoFontMetrics *mono_metrics;

      pango_font_description_set_family (mono, "monospace");
      mono_metrics = pango_context_get_metrics (context, mono, NULL);
      g_clear_pointer (&m->desc, pango_font_description_free);
      m->desc = pango_font_description_copy (desc);
      g_set_object (&m->font_map, font_map);
      m->language = language;
      m->resolution = resolution;
      g_clear_pointer (&m->options, cairo_font_options_destroy);
      m->options = options != NULL ? cairo_font_options_copy (options) : NULL;
      if (m->layouts != NULL)
        g_hash_table_remove_all (m->layouts);
      m->char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                           pango_font_metrics_get_approximate_digit_width (metrics));
      m->height = pango_font_metrics_get_height (metrics);
      m->ascent = pango_font_metrics_get_ascent (metrics);
      m->mono_height = pango_font_metrics_get_height (mono_metrics);
      m->mono_char_width = MIN (pango_font_metrics_get_approximate_char_width (mono_metrics),
                                pango_font_metrics_get_approximate_digit_width (mono_metrics));
      pango_font_metrics_unref (metrics);
      pango_font_metrics_unref (mono_metrics);
      pango_font_description_free (mono);
    }
  return m;
}

/* The rows' short columns — a log's name, a time to the second, a level, a flag, an id —
 * come again from row to row: one layout for each, shared while the font is the same,
 * instead of each row shaping its own (most of a first frame's 34 rows' layout work). */
#define SHARED_LAYOUTS_MAX 1024

/* Times in tabular figures: every digit as wide, so times line up from row to row. */
static void
set_tabular_figures (PangoLayout *layout)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
}

static PangoLayout *
shared_layout (TwLogRow   *self,
               guint       col,
               const char *text,
               PangoWeight weight,
               double      scale)
{
  Metrics *m = (Metrics *) get_metrics (GTK_WIDGET (self));
  g_autofree char *key = g_strdup_printf ("%u %d %s", col, (int) weight, text);
  PangoLayout *layout;

  if (m->layouts == NULL)
    m->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  layout = g_hash_table_lookup (m->layouts, key);
  if (layout == NULL)
    {
      if (g_hash_table_size (m->layouts) >= SHARED_LAYOUTS_MAX)
        g_hash_table_remove_all (m->layouts);
      layout = make_layout (GTK_WIDGET (self), text, FALSE, weight, scale);
      if (col == COL_SOURCE)
        pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      if (col == COL_TIME)
        set_tabular_figures (layout);
      g_hash_table_insert (m->layouts, g_steal_pointer (&key), layout);
    }
  return g_object_ref (layout);
}

/* The width of @chars characters of the row's font, as a label's width-chars. */
static int
chars_width (TwLogRow *self,
             int       chars)
{
  return PANGO_PIXELS_CEIL (get_metrics (GTK_WIDGET (self))->char_width * chars);
}

static void
clear_layouts (TwLogRow *self)
{
  for (guint i = 0; i < N_COLS; i++)
    g_clear_object (&self->layouts[i]);
  self->laid_out = FALSE;
}

/* The text, laid out as far as @n_chars characters: a long line is not shaped whole for
 * the few dozen characters its column shows. */
static void
make_text_layout (TwLogRow *self,
                  int       n_chars)
{
  const char *text = tw_log_line_get_text (self->line) != NULL ? tw_log_line_get_text (self->line) : "";
  const char *end = text;
  PangoAttrList *attrs;
  int kept = 0;

  while (*end != '\0' && kept < n_chars)
    {
      end = g_utf8_next_char (end);
      kept++;
    }
  self->text_kept = *end != '\0' ? kept : 0;
  g_clear_object (&self->layouts[COL_TEXT]);
  self->layouts[COL_TEXT] = make_layout (GTK_WIDGET (self), "", TRUE, PANGO_WEIGHT_NORMAL, 1.0);
  pango_layout_set_text (self->layouts[COL_TEXT], text, end - text);
  pango_layout_set_ellipsize (self->layouts[COL_TEXT], PANGO_ELLIPSIZE_END);
  attrs = match_attributes (self, text);
  if (attrs != NULL)
    {
      pango_layout_set_attributes (self->layouts[COL_TEXT], attrs);
      pango_attr_list_unref (attrs);
    }
}

static void
ensure_layouts (TwLogRow *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  TwLogLine *line = self->line;
  const char *flag, *cid;
  char time[32];
  int x, right, w, fit;

  if (self->laid_out && self->laid_width == width)
    return;
  if (!self->laid_out)
    {
      clear_layouts (self);
      if (line == NULL)
        return;
      flag = flag_text (line);
      cid = tw_log_line_get_correlation_id (line);
      format_time (tw_log_line_get_time (line), time);
      self->layouts[COL_SOURCE] = shared_layout (self, COL_SOURCE, tw_log_line_get_source_id (line), PANGO_WEIGHT_NORMAL, 1.0);
      self->layouts[COL_TIME] = shared_layout (self, COL_TIME, time, PANGO_WEIGHT_NORMAL, 1.0);
      switch (tw_log_line_get_level (line))
        {
        case TW_LOG_LEVEL_CRITICAL:
          w = PANGO_WEIGHT_ULTRABOLD;
          break;
        case TW_LOG_LEVEL_ERROR:
        case TW_LOG_LEVEL_WARNING:
          w = PANGO_WEIGHT_BOLD;
          break;
        case TW_LOG_LEVEL_INFO:
        case TW_LOG_LEVEL_DEBUG:
        case TW_LOG_LEVEL_UNKNOWN:
        default:
          w = PANGO_WEIGHT_NORMAL;
          break;
        }
      self->layouts[COL_LEVEL] = shared_layout (self, COL_LEVEL, tw_log_level_to_string (tw_log_line_get_level (line)), w, 1.0);
      if (flag != NULL)
        self->layouts[COL_FLAG] = shared_layout (self, COL_FLAG, flag, PANGO_WEIGHT_NORMAL, 1.0);
      if (cid != NULL)
        self->layouts[COL_ID] = shared_layout (self, COL_ID, cid, PANGO_WEIGHT_BOLD, 0.85);
      self->laid_out = TRUE;
      self->laid_serial = pango_context_get_serial (gtk_widget_get_pango_context (GTK_WIDGET (self)));
    }
  self->laid_width = width;

  /* Columns left to right, the id at the right end, the text between. */
  x = 0;
  self->x[COL_SOURCE] = x;
  w = chars_width (self, 9);
  pango_layout_set_width (self->layouts[COL_SOURCE], w * PANGO_SCALE);
  x += w + SPACING;
  self->x[COL_TIME] = x;
  x += chars_width (self, 19) + SPACING;
  self->x[COL_LEVEL] = x;
  /* Room for "WARNING" and "CRITICAL" in bold: every row's text starts at one x. */
  x += chars_width (self, 9) + SPACING;
  if (self->layouts[COL_FLAG] != NULL)
    {
      pango_layout_get_pixel_size (self->layouts[COL_FLAG], &w, NULL);
      self->x[COL_FLAG] = x;
      x += w + SPACING;
    }
  right = width;
  self->id_width = 0;
  if (self->layouts[COL_ID] != NULL)
    {
      pango_layout_get_pixel_size (self->layouts[COL_ID], &w, NULL);
      self->id_width = w + 2 * ID_PADDING;
      right -= self->id_width;
      self->x[COL_ID] = right + ID_PADDING;
      right -= SPACING;
    }
  self->x[COL_TEXT] = x;
  /* As many characters as the column holds and a few more, so that a longer line still
   * ends in "…"; laid out again only when a wider column shows more. */
  fit = MAX (right - x, 1) * PANGO_SCALE / MAX (get_metrics (GTK_WIDGET (self))->mono_char_width, 1) + 8;
  if (self->layouts[COL_TEXT] == NULL || (self->text_kept != 0 && fit > self->text_kept))
    make_text_layout (self, fit);
  pango_layout_set_width (self->layouts[COL_TEXT], MAX (right - x, 1) * PANGO_SCALE);
}

static void
draw_layout (TwLogRow      *self,
             GtkSnapshot   *snapshot,
             guint          col,
             int            baseline,
             const GdkRGBA *color)
{
  PangoLayout *layout = self->layouts[col];
  int x = self->x[col];
  int w;

  if (layout == NULL)
    return;
  if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL)
    {
      pango_layout_get_pixel_size (layout, &w, NULL);
      if (pango_layout_get_width (layout) > 0)
        w = pango_layout_get_width (layout) / PANGO_SCALE;
      x = gtk_widget_get_width (GTK_WIDGET (self)) - x - w;
    }
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, baseline - pango_layout_get_baseline (layout) / PANGO_SCALE));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
tw_log_row_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  TwLogRow *self = TW_LOG_ROW (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GdkRGBA fg, dim, level, flag;
  const Metrics *metrics;
  int baseline;

  ensure_layouts (self);
  if (!self->laid_out)
    return;
  /* The row's font's baseline, its line centred in the row's height. */
  metrics = get_metrics (widget);
  baseline = (gtk_widget_get_height (widget) - PANGO_PIXELS (metrics->height)) / 2
             + PANGO_PIXELS (metrics->ascent);

  gtk_style_context_get_color (style, &fg);
  dim = fg;
  dim.alpha *= DIM_ALPHA;
  level = fg;
  switch (tw_log_line_get_level (self->line))
    {
    case TW_LOG_LEVEL_CRITICAL:
    case TW_LOG_LEVEL_ERROR:
      gtk_style_context_lookup_color (style, "error_color", &level);
      break;
    case TW_LOG_LEVEL_WARNING:
      gtk_style_context_lookup_color (style, "warning_color", &level);
      break;
    case TW_LOG_LEVEL_DEBUG:
      level.alpha *= 0.6;
      break;
    case TW_LOG_LEVEL_INFO:
    case TW_LOG_LEVEL_UNKNOWN:
    default:
      break;
    }
  flag = fg;
  gtk_style_context_lookup_color (style, "warning_color", &flag);

  draw_layout (self, snapshot, COL_SOURCE, baseline, &dim);
  draw_layout (self, snapshot, COL_TIME, baseline, &dim);
  draw_layout (self, snapshot, COL_LEVEL, baseline, &level);
  draw_layout (self, snapshot, COL_FLAG, baseline, &flag);
  draw_layout (self, snapshot, COL_TEXT, baseline, &fg);
  draw_layout (self, snapshot, COL_ID, baseline, &fg);
}

/* The first rows drawn found every font cold: Pango matching and opening each font
 * (fontconfig), shaping with it, FreeType loading and hinting each glyph for its
 * extents, then the renderer rasterizing each glyph — most of the first frame's paint
 * (17–21 ms of a bench's first frame; later frames 5 ms). Each step does that for one of
 * the fonts a row draws with, the characters a log line mostly holds, through the
 * renderer's own text drawing (a text node drawn with cairo, as GTK's cairo renderer
 * does: the glyphs land in the caches the rows' text nodes use then; a GL renderer
 * keeps its own glyph atlas, but the fonts, shaping and extents are shared). */
#define WARM_ASCII " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2026"

gboolean
tw_log_row_warm_up (GtkWidget *widget,
                    guint      step)
{
  g_autoptr(PangoLayout) layout = NULL;

  switch (step)
    {
    case 0:
      /* the metrics the rows share, and the log's name */
      get_metrics (widget);
      layout = make_layout (widget, WARM_ASCII, FALSE, PANGO_WEIGHT_NORMAL, 1.0);
      break;
    case 1:
      /* the time, with tabular figures */
      layout = make_layout (widget, "0123456789:-., ", FALSE, PANGO_WEIGHT_NORMAL, 1.0);
      set_tabular_figures (layout);
      break;
    case 2:
      /* the levels, in bold for warnings and errors */
      layout = make_layout (widget, "DEBUG INFO WARNING ERROR", FALSE, PANGO_WEIGHT_BOLD, 1.0);
      break;
    case 3:
      layout = make_layout (widget, "CRITICAL", FALSE, PANGO_WEIGHT_ULTRABOLD, 1.0);
      break;
    case 4:
      /* the correlation id */
      layout = make_layout (widget, WARM_ASCII, FALSE, PANGO_WEIGHT_BOLD, 0.85);
      break;
    case 5:
      /* the text */
      layout = make_layout (widget, WARM_ASCII, TRUE, PANGO_WEIGHT_NORMAL, 1.0);
      break;
    default:
      return FALSE;
    }
  tw_ui_warm_layout (layout);
  return TRUE;
}

int
tw_log_row_get_line_height (GtkWidget *widget)
{
  const Metrics *metrics = get_metrics (widget);

  return PANGO_PIXELS_CEIL (MAX (metrics->height, metrics->mono_height));
}

/* One line of the row's font (or of the monospace text's, if taller). */
static void
tw_log_row_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  TwLogRow *self = TW_LOG_ROW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = chars_width (self, 9 + 19 + 9 + 10) + 3 * SPACING;
      *natural = chars_width (self, 9 + 19 + 9 + 80) + 3 * SPACING;
    }
  else
    *minimum = *natural = tw_log_row_get_line_height (widget);
}

static void
tw_log_row_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  /* Laid out again at the next draw, only if the width changed. */
}

static gboolean
in_id (TwLogRow *self,
       double    x)
{
  int left;

  ensure_layouts (self);
  if (self->layouts[COL_ID] == NULL)
    return FALSE;
  left = gtk_widget_get_width (GTK_WIDGET (self)) - self->id_width;
  if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL)
    return x < self->id_width;
  return x >= left;
}

static gboolean
tw_log_row_query_tooltip (GtkWidget  *widget,
                          int         x,
                          int         y,
                          gboolean    keyboard,
                          GtkTooltip *tooltip)
{
  TwLogRow *self = TW_LOG_ROW (widget);
  const char *whole;

  if (self->line == NULL)
    return FALSE;
  if (in_id (self, x))
    {
      gtk_tooltip_set_text (tooltip, _("Show this id's lines in every log"));
      return TRUE;
    }
  /* A line wider than the row ends in "…" (always so with large text): its whole text
   * in the tooltip, up to a screenful. */
  ensure_layouts (self);
  if (self->layouts[COL_TEXT] == NULL || !pango_layout_is_ellipsized (self->layouts[COL_TEXT]))
    return FALSE;
  whole = tw_log_line_get_text (self->line);
  if (g_utf8_strlen (whole, TOOLTIP_MAX_CHARS + 1) <= TOOLTIP_MAX_CHARS)
    gtk_tooltip_set_text (tooltip, whole);
  else
    {
      g_autofree char *start = g_utf8_substring (whole, 0, TOOLTIP_MAX_CHARS);
      g_autofree char *shown = g_strconcat (start, "…", NULL);

      gtk_tooltip_set_text (tooltip, shown);
    }
  return TRUE;
}

/* On the press, claimed: the list item's own click (the selection) does not see it. */
static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            TwLogRow        *self)
{
  const char *cid;

  if (n_press != 1 || self->line == NULL || !in_id (self, x))
    return;
  cid = tw_log_line_get_correlation_id (self->line);
  if (cid == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_activate_action (GTK_WIDGET (self), "logs.filter-id", "s", cid);
}

/* GTK 4.8 gives a list item no accessible label of its own, and this row has no text
 * child to lend it one: the row's words name the list item it is in. */
static void
update_accessible (TwLogRow *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  g_autofree char *description = NULL;

  if (parent == NULL || self->line == NULL)
    return;
  description = tw_log_row_describe_line (self->line);
  gtk_accessible_update_property (GTK_ACCESSIBLE (parent), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

static void
parent_changed_cb (TwLogRow   *self,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  update_accessible (self);
}

static void
tw_log_row_css_changed (GtkWidget         *widget,
                        GtkCssStyleChange *change)
{
  TwLogRow *self = TW_LOG_ROW (widget);

  GTK_WIDGET_CLASS (tw_log_row_parent_class)->css_changed (widget, change);
  /* Another font, its options or resolution: laid out again. Not for any other change:
   * the rows' style changes whenever rows come above them (their position), and each
   * row in view was laid out again each such frame. Colours are read when drawn. */
  if (self->laid_out && pango_context_get_serial (gtk_widget_get_pango_context (widget)) == self->laid_serial)
    return;
  clear_layouts (self);
}

static void
tw_log_row_dispose (GObject *object)
{
  TwLogRow *self = TW_LOG_ROW (object);

  clear_layouts (self);
  g_clear_object (&self->line);
  g_clear_pointer (&self->match_text, g_free);
  g_clear_pointer (&self->match_regex, g_regex_unref);
  G_OBJECT_CLASS (tw_log_row_parent_class)->dispose (object);
}

static void
tw_log_row_class_init (TwLogRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_log_row_dispose;
  widget_class->snapshot = tw_log_row_snapshot;
  widget_class->measure = tw_log_row_measure;
  widget_class->size_allocate = tw_log_row_size_allocate;
  widget_class->query_tooltip = tw_log_row_query_tooltip;
  widget_class->css_changed = tw_log_row_css_changed;
  gtk_widget_class_set_css_name (widget_class, "tw-log-row");
}

static void
tw_log_row_init (TwLogRow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (self, "notify::parent", G_CALLBACK (parent_changed_cb), NULL);
}

GtkWidget *
tw_log_row_new (void)
{
  return g_object_new (TW_TYPE_LOG_ROW, NULL);
}

void
tw_log_row_set_line (TwLogRow   *self,
                     TwLogLine  *line,
                     const char *match_text,
                     GRegex     *match_regex)
{
  g_return_if_fail (TW_IS_LOG_ROW (self));

  if (self->line != NULL && line != NULL
      && (self->line == line
          || (tw_log_line_get_flags (self->line) == tw_log_line_get_flags (line)
              && g_strcmp0 (tw_log_line_get_text (self->line), tw_log_line_get_text (line)) == 0
              && g_strcmp0 (tw_log_line_get_source_id (self->line), tw_log_line_get_source_id (line)) == 0))
      && g_strcmp0 (self->match_text, match_text) == 0 && self->match_regex == match_regex)
    {
      /* The same line again (a list binds its rows again when rows come above them,
       * with the item it had or a new one for the same line): what was laid out and
       * said stays. */
      g_set_object (&self->line, line);
      return;
    }
  g_set_object (&self->line, line);
  g_free (self->match_text);
  self->match_text = g_strdup (match_text);
  if (match_regex != NULL)
    g_regex_ref (match_regex);
  g_clear_pointer (&self->match_regex, g_regex_unref);
  self->match_regex = match_regex;
  clear_layouts (self);
  update_accessible (self);
  /* The id's action, or the whole of a line cut short (asked when the pointer rests). */
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), line != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

TwLogLine *
tw_log_row_get_line (TwLogRow *self)
{
  g_return_val_if_fail (TW_IS_LOG_ROW (self), NULL);

  return self->line;
}
