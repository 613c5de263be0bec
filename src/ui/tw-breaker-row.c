/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-breaker-row.h"
#include "tw-breaker-row-private.h"
#include "tw-narrow.h"

#include <glib/gi18n.h>

#include "tw-ui-util.h"

#define WARNING_FRACTION 0.8

struct _TwBreakerRow
{
  AdwActionRow  parent_instance;

  TwBreaker    *breaker;
  char         *service_id;
  char         *value_text;
  gboolean      in_flight;
  GDateTime    *last_known;   /* set while its service does not answer: the data's time */
  gboolean      stale;

  GtkImage     *state_icon;
  GtkLabel     *state_label;
  GtkLevelBar  *level_bar;
  GtkButton    *reset_button;
  GtkButton    *copy_reset_button;
  TwNarrow      narrow;       /* under 480 px: a shorter level bar, the title whole */
};

G_DEFINE_FINAL_TYPE (TwBreakerRow, tw_breaker_row, ADW_TYPE_ACTION_ROW)

static gboolean
is_limit_breaker (TwBreaker *breaker)
{
  return tw_breaker_get_limit (breaker) > 0
         && g_strcmp0 (tw_breaker_get_kind (breaker), "source") != 0;
}

static char *
format_number (TwBreaker *breaker,
               double     number)
{
  if (g_strcmp0 (tw_breaker_get_unit (breaker), "percent") == 0)
    /* Translators: a percentage, e.g. "3.1 %" */
    return g_strdup_printf (_("%.1f %%"), number);
  return g_strdup_printf ("%.0f", number);
}

static const char *
source_state_word (TwBreakerState state)
{
  switch (state)
    {
    case TW_BREAKER_CLOSED:
      return _("CLOSED");
    case TW_BREAKER_OPEN:
      return _("OPEN");
    case TW_BREAKER_HALF_OPEN:
      return _("HALF_OPEN");
    case TW_BREAKER_UNKNOWN:
    default:
      return _("Unknown");
    }
}

static void
update (TwBreakerRow *self)
{
  TwBreaker *breaker = self->breaker;
  const char *label = tw_breaker_get_label (breaker);
  g_autofree char *subtitle = NULL;
  const char *icon;
  const char *word;
  const char *style;
  const char *instruction;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self),
                                 label != NULL ? label : tw_breaker_get_id (breaker));

  if (is_limit_breaker (breaker))
    {
      g_autofree char *value = format_number (breaker, tw_breaker_get_value (breaker));
      g_autofree char *limit = format_number (breaker, tw_breaker_get_limit (breaker));
      double fraction = tw_breaker_get_fraction (breaker);

      /* Translators: a breaker's value against its limit, e.g. "2 of 3" or "3.1 % of 5.0 %" */
      g_free (self->value_text);
      self->value_text = g_strdup_printf (_("%s of %s"), value, limit);
      gtk_level_bar_set_value (self->level_bar, CLAMP (fraction, 0.0, 1.0));
      gtk_widget_set_visible (GTK_WIDGET (self->level_bar), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->level_bar),
                                      GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, self->value_text, -1);

      if (tw_breaker_is_tripped (breaker))
        {
          icon = "dialog-error-symbolic";
          word = _("Tripped");
          style = "error";
        }
      else if (fraction >= WARNING_FRACTION)
        {
          icon = "dialog-warning-symbolic";
          word = _("Near its limit");
          style = "warning";
        }
      else
        {
          icon = "emblem-ok-symbolic";
          word = _("OK");
          style = "success";
        }
      /* Translators: subtitle of a limit breaker, e.g. "2 of 3 — limit 3" */
      subtitle = g_strdup (self->value_text);
    }
  else
    {
      TwBreakerState state = tw_breaker_get_state (breaker);
      guint failures = tw_breaker_get_failure_count (breaker);
      GDateTime *opened = tw_breaker_get_opened_at (breaker);
      g_autofree char *since = opened != NULL ? tw_ui_format_since (opened) : NULL;

      word = source_state_word (state);
      switch (state)
        {
        case TW_BREAKER_OPEN:
          icon = "dialog-error-symbolic";
          style = "error";
          break;
        case TW_BREAKER_HALF_OPEN:
          icon = "dialog-warning-symbolic";
          style = "warning";
          break;
        case TW_BREAKER_CLOSED:
          icon = "emblem-ok-symbolic";
          style = "success";
          break;
        case TW_BREAKER_UNKNOWN:
        default:
          icon = "content-loading-symbolic";
          style = NULL;
          break;
        }
      g_free (self->value_text);
      /* Translators: a source breaker's state word and its failure count */
      self->value_text = g_strdup_printf (ngettext ("%s, %u failure", "%s, %u failures", failures),
                                          word, failures);
      gtk_widget_set_visible (GTK_WIDGET (self->level_bar), FALSE);
      if (since != NULL && state != TW_BREAKER_CLOSED)
        /* Translators: e.g. "OPEN, 5 failures — opened since 14:02, 3 min ago" */
        subtitle = g_strdup_printf (_("%s — opened %s"), self->value_text, since);
      else
        subtitle = g_strdup (self->value_text);
    }

  /* Not read now: the last answer, greyed and dated, never in the OK colour. */
  if (self->stale)
    {
      g_autofree char *at = self->last_known != NULL ? tw_ui_format_time (self->last_known) : NULL;
      g_autofree char *dated = NULL;

      if (at != NULL)
        /* Translators: a breaker's value not read now, e.g. "0 of 3 — last known at 14:02:10" */
        dated = g_strdup_printf (_("%s — last known at %s, no answer since"), subtitle, at);
      else
        /* Translators: a breaker's value not read now, e.g. "0 of 3 — last known" */
        dated = g_strdup_printf (_("%s — last known, not current"), subtitle);
      g_free (subtitle);
      subtitle = g_steal_pointer (&dated);
      icon = "content-loading-symbolic";
      style = NULL;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->level_bar), !self->stale);
  if (self->stale)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "dim-label");
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  tw_ui_set_icon_name (self->state_icon, icon);
  gtk_label_set_label (self->state_label, word);
  tw_ui_set_status_style (GTK_WIDGET (self->state_icon), style);
  tw_ui_set_status_style (GTK_WIDGET (self->state_label), style);

  gtk_widget_set_visible (GTK_WIDGET (self->reset_button), tw_breaker_get_can_reset (breaker));
  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button), !self->in_flight);

  /* No reset over HTTP: the runbook's own way, to copy and run by hand, on a breaker that
   * is not closed. */
  instruction = tw_breaker_get_reset_instruction (breaker);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_reset_button),
                          instruction != NULL && !tw_breaker_get_can_reset (breaker) &&
                          tw_breaker_get_state (breaker) != TW_BREAKER_CLOSED);
  if (instruction != NULL)
    {
      /* Translators: the tooltip of "Copy Reset Command"; %s is the command itself */
      g_autofree char *tooltip = g_strdup_printf (_("This service resets a breaker by hand, "
                                                    "not from the console. Its runbook's command:\n%s"),
                                                  instruction);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->copy_reset_button), tooltip);
    }
}

static void
copy_reset_clicked_cb (TwBreakerRow *self)
{
  const char *instruction = tw_breaker_get_reset_instruction (self->breaker);

  if (instruction == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), instruction);
  gtk_widget_activate_action (GTK_WIDGET (self), "breakers.reset-copied", "(ss)",
                              self->service_id, tw_breaker_get_id (self->breaker));
}

static void
reset_clicked_cb (TwBreakerRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "breakers.reset", "(ss)",
                              self->service_id, tw_breaker_get_id (self->breaker));
}

static void
tw_breaker_row_dispose (GObject *object)
{
  TwBreakerRow *self = TW_BREAKER_ROW (object);

  if (self->breaker != NULL)
    g_signal_handlers_disconnect_by_data (self->breaker, self);
  g_clear_object (&self->breaker);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_BREAKER_ROW);

  tw_narrow_clear (&TW_BREAKER_ROW (object)->narrow);
  G_OBJECT_CLASS (tw_breaker_row_parent_class)->dispose (object);
}

static void
tw_breaker_row_finalize (GObject *object)
{
  TwBreakerRow *self = TW_BREAKER_ROW (object);

  g_free (self->service_id);
  g_free (self->value_text);
  g_clear_pointer (&self->last_known, g_date_time_unref);

  G_OBJECT_CLASS (tw_breaker_row_parent_class)->finalize (object);
}

static void
tw_breaker_row_class_init (TwBreakerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_breaker_row_dispose;
  object_class->finalize = tw_breaker_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-breaker-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TwBreakerRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, TwBreakerRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, TwBreakerRow, level_bar);
  gtk_widget_class_bind_template_child (widget_class, TwBreakerRow, reset_button);
  gtk_widget_class_bind_template_child (widget_class, TwBreakerRow, copy_reset_button);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_reset_clicked_cb);
}

/* A narrow window (the row under 480 px): the level bar gives its room to the breaker's
 * name, which then wraps between words, not inside them. */
static void
set_narrow (GtkWidget *widget,
            gboolean   narrow)
{
  gtk_widget_set_size_request (GTK_WIDGET (TW_BREAKER_ROW (widget)->level_bar), narrow ? 48 : 160, -1);
}

static void
tw_breaker_row_init (TwBreakerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tw_narrow_init (&self->narrow, GTK_WIDGET (self), 480, set_narrow);

  /* Below 80 % calm, from 80 % a warning, at the limit an error. */
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_add_offset_value (self->level_bar, "tw-ok", WARNING_FRACTION - 0.0001);
  gtk_level_bar_add_offset_value (self->level_bar, "tw-warn", 0.9999);
  gtk_level_bar_add_offset_value (self->level_bar, "tw-trip", 1.0);
}

/* Off screen (a page not shown), the row waits to be mapped: no work per poll answer. */
static void
update_notify_cb (TwBreakerRow *self)
{
  tw_ui_update_when_mapped (GTK_WIDGET (self), (TwUiUpdateFunc) update);
}

GtkWidget *
tw_breaker_row_new (TwBreaker  *breaker,
                    const char *service_id)
{
  TwBreakerRow *self;

  g_return_val_if_fail (TW_IS_BREAKER (breaker), NULL);

  self = g_object_new (TW_TYPE_BREAKER_ROW, NULL);
  self->breaker = g_object_ref (breaker);
  self->service_id = g_strdup (service_id);
  g_signal_connect_swapped (breaker, "notify", G_CALLBACK (update_notify_cb), self);
  update (self);
  return GTK_WIDGET (self);
}

TwBreaker *
tw_breaker_row_get_breaker (TwBreakerRow *self)
{
  g_return_val_if_fail (TW_IS_BREAKER_ROW (self), NULL);

  return self->breaker;
}

const char *
tw_breaker_row_get_value_text (TwBreakerRow *self)
{
  g_return_val_if_fail (TW_IS_BREAKER_ROW (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return self->value_text;
}

const char *
tw_breaker_row_get_state_text (TwBreakerRow *self)
{
  g_return_val_if_fail (TW_IS_BREAKER_ROW (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return gtk_label_get_label (self->state_label);
}

double
tw_breaker_row_get_level (TwBreakerRow *self)
{
  g_return_val_if_fail (TW_IS_BREAKER_ROW (self), -1);
  tw_ui_flush_update (GTK_WIDGET (self));

  if (!gtk_widget_get_visible (GTK_WIDGET (self->level_bar)))
    return -1;
  return gtk_level_bar_get_value (self->level_bar);
}

/* TRUE when the row offers the runbook's reset command to copy (no reset over HTTP). */
gboolean
tw_breaker_row_get_can_copy_reset (TwBreakerRow *self)
{
  g_return_val_if_fail (TW_IS_BREAKER_ROW (self), FALSE);
  tw_ui_flush_update (GTK_WIDGET (self));

  return gtk_widget_get_visible (GTK_WIDGET (self->copy_reset_button));
}

/* Clicks "Copy Reset Command" (for tests). */
void
tw_breaker_row_copy_reset (TwBreakerRow *self)
{
  g_return_if_fail (TW_IS_BREAKER_ROW (self));

  copy_reset_clicked_cb (self);
}

gboolean
tw_breaker_row_get_can_reset (TwBreakerRow *self)
{
  g_return_val_if_fail (TW_IS_BREAKER_ROW (self), FALSE);
  tw_ui_flush_update (GTK_WIDGET (self));

  return gtk_widget_get_visible (GTK_WIDGET (self->reset_button));
}

void
tw_breaker_row_set_in_flight (TwBreakerRow *self,
                              gboolean      in_flight)
{
  g_return_if_fail (TW_IS_BREAKER_ROW (self));

  self->in_flight = in_flight;
  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button), !in_flight);
}

gboolean
tw_breaker_row_get_reset_sensitive (TwBreakerRow *self)
{
  g_return_val_if_fail (TW_IS_BREAKER_ROW (self), FALSE);
  tw_ui_flush_update (GTK_WIDGET (self));

  return gtk_widget_get_visible (GTK_WIDGET (self->reset_button))
         && gtk_widget_get_sensitive (GTK_WIDGET (self->reset_button));
}

void
tw_breaker_row_set_last_known (TwBreakerRow *self,
                               gboolean      stale,
                               GDateTime    *as_of)
{
  g_return_if_fail (TW_IS_BREAKER_ROW (self));

  stale = !!stale;
  if (self->stale == stale
      && (self->last_known == as_of
          || (self->last_known != NULL && as_of != NULL && g_date_time_equal (self->last_known, as_of))))
    return;
  self->stale = stale;
  g_clear_pointer (&self->last_known, g_date_time_unref);
  if (stale && as_of != NULL)
    self->last_known = g_date_time_ref (as_of);
  tw_ui_update_when_mapped (GTK_WIDGET (self), (TwUiUpdateFunc) update);
}

const char *
tw_breaker_row_get_state_style (TwBreakerRow *self)
{
  static const char * const styles[] = { "success", "warning", "error" };

  g_return_val_if_fail (TW_IS_BREAKER_ROW (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (gtk_widget_has_css_class (GTK_WIDGET (self->state_label), styles[i]))
      return styles[i];
  return NULL;
}

const char *
tw_breaker_row_get_subtitle (TwBreakerRow *self)
{
  g_return_val_if_fail (TW_IS_BREAKER_ROW (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return adw_action_row_get_subtitle (ADW_ACTION_ROW (self));
}
