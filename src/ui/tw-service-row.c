/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-service-row.h"
#include "tw-service-row-private.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tw-component.h"
#include "tw-trading-summary.h"
#include "tw-ui-util.h"

struct _TwServiceRow
{
  GtkWidget        parent_instance;

  TwService       *service;
  char            *connector_name;
  GBinding        *name_binding;
  gulong           notify_id;
  gboolean         components_bound;  /* the components list shows the service's */
  guint            fresh_seconds;
  gboolean         defer_latency;     /* a new latency waits for tw_service_row_update_age() */
  gboolean         latency_dirty;     /* one is waiting */
  gboolean         latency_shows_last; /* a slow answer's own, not the median */
  gboolean         held;              /* out of view: changes wait (tw_service_row_set_held) */
  gboolean         held_dirty;        /* a change is waiting */
  TwTradingState  *trading_state;
  gulong           trading_notify_id;

  GtkImage        *state_icon;
  GtkLabel        *trading_label;
  GtkLabel        *name_label;
  GtkLabel        *connector_label;
  GtkLabel        *state_label;
  GtkInscription  *latency_label;
  GtkLabel        *age_label;
  GtkToggleButton *expand_button;
  GtkWidget       *keys_button;
  GtkWidget       *line_box;
  GtkWidget       *names_box;
  GtkWidget       *status_box;
  GtkWidget       *status_top;
  GtkWidget       *status_bottom;
  gboolean         narrow;
  GtkLabel        *message_label;
  GtkRevealer     *revealer;
  GtkListBox      *components_list;
};

G_DEFINE_FINAL_TYPE (TwServiceRow, tw_service_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SERVICE,
  PROP_CONNECTOR_NAME,
  PROP_EXPANDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Component rows: icon + word + detail + latency, bound to the component. */

static gboolean
health_to_icon (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_value_set_string (to, tw_ui_health_icon (g_value_get_enum (from)));
  return TRUE;
}

static gboolean
health_to_label (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  g_value_set_string (to, tw_ui_health_label (g_value_get_enum (from)));
  return TRUE;
}

static gboolean
latency_to_label (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  g_autofree char *text = tw_ui_format_latency (g_value_get_double (from));

  g_value_set_string (to, text != NULL ? text : "");
  return TRUE;
}

static void
component_health_changed_cb (TwComponent *component,
                             GParamSpec  *pspec,
                             GtkWidget   *row)
{
  const char *style = tw_ui_health_style (tw_component_get_health (component));

  tw_ui_set_status_style (g_object_get_data (G_OBJECT (row), "tw-health-icon"), style);
  tw_ui_set_status_style (g_object_get_data (G_OBJECT (row), "tw-health-word"), style);
}

static GtkWidget *
create_component_row (gpointer item,
                      gpointer user_data)
{
  TwComponent *component = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *word = gtk_label_new (NULL);
  GtkWidget *latency = gtk_label_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Health"), -1);
  gtk_widget_add_css_class (word, "heading");
  gtk_widget_add_css_class (latency, "caption");
  gtk_widget_add_css_class (latency, "numeric");
  gtk_widget_add_css_class (latency, "dim-label");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), latency);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), word);

  g_object_bind_property (component, "name", row, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (component, "detail", row, "subtitle", G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (component, "health", icon, "icon-name", G_BINDING_SYNC_CREATE,
                               health_to_icon, NULL, NULL, NULL);
  g_object_bind_property_full (component, "health", word, "label", G_BINDING_SYNC_CREATE,
                               health_to_label, NULL, NULL, NULL);
  g_object_bind_property_full (component, "latency-ms", latency, "label", G_BINDING_SYNC_CREATE,
                               latency_to_label, NULL, NULL, NULL);

  /* Style classes cannot be bound: the handler restyles these two. */
  g_object_set_data (G_OBJECT (row), "tw-health-icon", icon);
  g_object_set_data (G_OBJECT (row), "tw-health-word", word);
  g_signal_connect_object (component, "notify::health",
                           G_CALLBACK (component_health_changed_cb), row, 0);
  component_health_changed_cb (component, NULL, row);

  return row;
}

/* The service's own rows. Labels change only when their words do: a new text
 * lays the row out and paints it again. */

static void
set_label (GtkLabel   *label,
           const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

/* A label the row may cut short ("…", with large text or a long state): its whole
 * text in its tooltip. */
static void
set_label_whole (GtkLabel   *label,
                 const char *text)
{
  set_label (label, text);
  tw_ui_set_tooltip_text (GTK_WIDGET (label), text);
}

/* Whole milliseconds: a poll whose latency rounds the same changes nothing. */
static char *
format_latency (double latency_ms)
{
  if (latency_ms < 0)
    return NULL;
  if (latency_ms < 1)
    /* Translators: a network latency under one millisecond */
    return g_strdup (_("< 1 ms"));
  /* Translators: a network latency in milliseconds */
  return g_strdup_printf (_("%.0f ms"), latency_ms);
}

static void
update_state (TwServiceRow *self)
{
  TwServiceState state = tw_service_get_state (self->service);
  const char *style = tw_ui_service_state_style (state);
  const char *message = tw_service_get_last_error (self->service);
  g_autofree char *slow = NULL;
  gboolean show_message;

  if (message == NULL && tw_service_is_slow (self->service))
    {
      g_autofree char *took = format_latency (tw_service_get_latency_ms (self->service));

      /* Translators: a slow health check, e.g. "The health check took 8004 ms, more than
       * the 2000 ms this service is allowed" */
      slow = g_strdup_printf (_("The health check took %s, more than the %u ms this service is allowed"),
                              took, tw_service_get_slow_ms (self->service));
      message = slow;
    }
  show_message = state != TW_SERVICE_STATE_OK && message != NULL && *message != '\0';

  tw_ui_set_icon_name (self->state_icon, tw_ui_service_state_icon (state));
  set_label (self->state_label, tw_ui_service_state_label (state));
  tw_ui_set_status_style (GTK_WIDGET (self->state_icon), style);
  tw_ui_set_status_style (GTK_WIDGET (self->state_label), style);

  set_label (self->message_label, show_message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), show_message);
}

/* The median of the last few answers: one answer's latency moves by a millisecond
 * or two from one poll to the next, and a list of figures that all flicker every
 * second is hard to read (and redraws the window each second). A slow answer shows
 * its own latency, in the warning colour, as the state and the message do. */
static void
update_latency (TwServiceRow *self)
{
  gboolean slow = tw_service_is_slow (self->service);
  g_autofree char *text = format_latency (slow ? tw_service_get_latency_ms (self->service)
                                               : tw_service_get_latency_median_ms (self->service));

  gtk_inscription_set_text (self->latency_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->latency_label), text != NULL);
  /* Slower than the service's threshold: degraded, in the warning colour. */
  tw_ui_set_status_style (GTK_WIDGET (self->latency_label), slow ? "warning" : NULL);
  if (slow != self->latency_shows_last)
    {
      self->latency_shows_last = slow;
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->latency_label),
                                   slow ? _("The last answer's latency")
                                        : _("Median latency of the last five answers"));
    }
}

/* The last poll failed (no answer, or one that could not be used): what the row
 * shows is the last good answer, not now. A service that answered "down" has a
 * current answer and no last error. */
static gboolean
last_poll_failed (TwService *service)
{
  return tw_service_get_last_error (service) != NULL &&
         tw_service_get_state (service) != TW_SERVICE_STATE_OK;
}

/* While the service fails, its row never says "just now": it gives the age of
 * the last good data, or that there never was any. That data is stale once it
 * is older than three poll intervals (fresh_seconds is two) even when the poller
 * does not say so — a health answer that could not be mapped counts as an
 * answer for the poller. */
static char *
format_failed_age (TwServiceRow *self,
                   gint64        age,
                   gboolean     *stale)
{
  g_autofree char *ago = NULL;
  g_autofree char *last_good = NULL;

  if (age < 0)
    /* Translators: a failing service that has not answered once */
    return g_strdup (_("no good answer yet"));

  if (self->fresh_seconds > 0 && age > (gint64) self->fresh_seconds * 3 / 2)
    *stale = TRUE;
  ago = tw_ui_format_ago (age);
  /* Translators: the age of a failing service's last good answer; %s is e.g. "4 min ago" */
  last_good = g_strdup_printf (_("last good data %s"), ago);
  if (*stale)
    /* Translators: %s is e.g. "last good data 4 min ago" */
    return g_strdup_printf (_("stale — %s"), last_good);
  return g_steal_pointer (&last_good);
}

/* The age's words ("updated just now", "stale — …"): changed only when they do. */
static void
update_age_text (TwServiceRow *self)
{
  gboolean stale;
  g_autofree char *text = NULL;
  gint64 age;

  stale = tw_service_get_stale (self->service);
  age = tw_service_get_age_seconds (self->service);
  if (last_poll_failed (self->service))
    text = format_failed_age (self, age, &stale);
  else if (!stale && age >= 0 && age < self->fresh_seconds)
    /* Translators: how old the data is, while polls arrive on time */
    text = g_strdup (_("updated just now"));
  else
    text = tw_ui_format_age (age, stale);
  set_label (self->age_label, text);
  tw_ui_set_status_style (GTK_WIDGET (self->age_label), stale ? "warning" : NULL);
  if (stale)
    gtk_widget_remove_css_class (GTK_WIDGET (self->age_label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->age_label), "dim-label");
}

void
tw_service_row_update_age (TwServiceRow *self)
{
  g_return_if_fail (TW_IS_SERVICE_ROW (self));

  if (self->service == NULL)
    return;
  if (self->latency_dirty)
    {
      self->latency_dirty = FALSE;
      update_latency (self);
      update_state (self);
    }
  update_age_text (self);
}

static void
update_connector (TwServiceRow *self)
{
  const char *connector = self->connector_name;
  const char *url = tw_service_get_base_url (self->service);
  g_autofree char *text = NULL;

  if (connector == NULL || *connector == '\0')
    connector = tw_service_get_connector_id (self->service);
  if (connector == NULL)
    connector = _("no connector");
  if (url != NULL && *url != '\0')
    /* Translators: connector name · base URL */
    text = g_strdup_printf (_("%s · %s"), connector, url);
  else
    text = g_strdup (connector);
  set_label_whole (self->connector_label, text);
}

static void
service_notify_cb (TwServiceRow *self,
                   GParamSpec   *pspec)
{
  const char *name = g_param_spec_get_name (pspec);

  if (self->held)
    {
      self->held_dirty = TRUE;
      return;
    }

  if (g_str_equal (name, "state") || g_str_equal (name, "last-error"))
    {
      self->latency_dirty = FALSE;
      update_latency (self);
      update_state (self);
      tw_service_row_update_age (self);   /* a failing service has no "just now" */
    }
  else if (g_str_equal (name, "latency-ms") || g_str_equal (name, "latency-median-ms"))
    {
      /* Every answer has a new latency: with many rows in view, each would lay the
       * list out again. Deferred, the page's one-second tick shows them together. */
      if (self->defer_latency)
        self->latency_dirty = TRUE;
      else
        {
          update_latency (self);
          update_state (self);
        }
    }
  else if (g_str_equal (name, "last-success"))
    {
      /* Every answer: its words only. A deferred latency (and the "slow" message that
       * quotes it) waits for the page's tick, or the list would be laid out again on
       * every answer of every row. */
      if (self->defer_latency)
        update_age_text (self);
      else
        tw_service_row_update_age (self);
    }
  else if (g_str_equal (name, "stale"))
    tw_service_row_update_age (self);
  else if (g_str_equal (name, "base-url") || g_str_equal (name, "connector-id"))
    update_connector (self);
}

/* The components list is built on the first expansion of a service, not for
 * every row that scrolls by. */
static void
bind_components (TwServiceRow *self)
{
  if (self->components_bound || self->service == NULL)
    return;
  self->components_bound = TRUE;
  gtk_list_box_bind_model (self->components_list, tw_service_get_components (self->service),
                           create_component_row, NULL, NULL);
}

static void
unbind_components (TwServiceRow *self)
{
  if (!self->components_bound)
    return;
  self->components_bound = FALSE;
  if (self->components_list != NULL)
    gtk_list_box_bind_model (self->components_list, NULL, NULL, NULL, NULL);
}

static void
expand_button_active_cb (TwServiceRow *self)
{
  gboolean active = gtk_toggle_button_get_active (self->expand_button);
  const char *label = active ? _("Hide components") : _("Show components");

  if (active)
    bind_components (self);

  gtk_button_set_icon_name (GTK_BUTTON (self->expand_button),
                            active ? "pan-down-symbolic" : "pan-end-symbolic");
  tw_ui_set_tooltip_text (GTK_WIDGET (self->expand_button), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->expand_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_EXPANDED, active, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPANDED]);
}

/* Its trading state beside its health: "HALTED", "ACTIVE", "REDUCING", "unknown"; only
 * the last one known, dimmed, when its last poll failed. */
static void
update_trading (TwServiceRow *self)
{
  gboolean last_known = FALSE;
  const char *word;
  const char *style = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->trading_label), self->trading_state != NULL);
  if (self->trading_state == NULL)
    return;
  word = tw_trading_summary_mode_word (self->trading_state, &last_known);
  if (last_known)
    /* Translators: a trading state word not read now, e.g. "HALTED (last known)" */
    text = g_strdup_printf (_("%s (last known)"), word);
  else
    {
      text = g_strdup (word);
      if (tw_trading_state_is_halted (self->trading_state))
        style = "error";
      else if (tw_trading_state_get_mode (self->trading_state) == TW_TRADING_ACTIVE)
        style = "success";
      else if (tw_trading_state_get_mode (self->trading_state) == TW_TRADING_REDUCING)
        style = "warning";
    }
  set_label_whole (self->trading_label, text);
  tw_ui_set_status_style (GTK_WIDGET (self->trading_label), style);
  if (style == NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->trading_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->trading_label), "dim-label");
}

/* Off screen (the Overview not shown), the row waits to be mapped: no work per answer. */
static void
trading_notify_cb (TwServiceRow *self)
{
  if (self->held)
    {
      self->held_dirty = TRUE;
      return;
    }
  tw_ui_update_when_mapped (GTK_WIDGET (self), (TwUiUpdateFunc) update_trading);
}

/* Shows what changed while the row was held. */
static void
flush_held (TwServiceRow *self)
{
  if (!self->held_dirty)
    return;
  self->held_dirty = FALSE;
  if (self->service != NULL)
    {
      self->latency_dirty = FALSE;
      update_latency (self);
      update_state (self);
      update_connector (self);
      update_age_text (self);
    }
  if (self->trading_label != NULL)
    update_trading (self);
}

/**
 * tw_service_row_set_held:
 * @held: whether the row is out of the list's view
 *
 * GTK 4.8's list view builds up to 200 rows, most of them out of view, and lays out
 * again every row whose text changes: while a profile of 200 services opens, each frame
 * laid out dozens of rows nobody sees. A held row only notes that something changed;
 * released (scrolled into view), it shows it before the frame.
 */
void
tw_service_row_set_held (TwServiceRow *self,
                         gboolean      held)
{
  g_return_if_fail (TW_IS_SERVICE_ROW (self));

  self->held = held;
  if (!held)
    flush_held (self);
}

void
tw_service_row_set_trading_state (TwServiceRow   *self,
                                  TwTradingState *state)
{
  g_return_if_fail (TW_IS_SERVICE_ROW (self));
  g_return_if_fail (state == NULL || TW_IS_TRADING_STATE (state));

  if (self->trading_state != state)
    {
      if (self->trading_state != NULL)
        g_clear_signal_handler (&self->trading_notify_id, self->trading_state);
      g_set_object (&self->trading_state, state);
      if (state != NULL)
        self->trading_notify_id = g_signal_connect_object (state, "notify", G_CALLBACK (trading_notify_cb),
                                                           self, G_CONNECT_SWAPPED);
    }
  if (self->trading_label != NULL)
    update_trading (self);
}

const char *
tw_service_row_get_trading_text (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), NULL);
  flush_held (self);
  tw_ui_flush_update (GTK_WIDGET (self));

  if (self->trading_state == NULL)
    return NULL;
  return gtk_label_get_label (self->trading_label);
}

static void
unbind_service (TwServiceRow *self)
{
  if (self->service == NULL)
    return;
  unbind_components (self);
  g_clear_pointer (&self->name_binding, g_binding_unbind);
  g_clear_signal_handler (&self->notify_id, self->service);
  g_clear_object (&self->service);
}

void
tw_service_row_set_service (TwServiceRow *self,
                            TwService    *service)
{
  g_return_if_fail (TW_IS_SERVICE_ROW (self));
  g_return_if_fail (service == NULL || TW_IS_SERVICE (service));

  if (self->service == service)
    return;

  unbind_service (self);
  if (service != NULL)
    {
      self->service = g_object_ref (service);
      self->name_binding = g_object_bind_property (service, "name", self->name_label, "label",
                                                   G_BINDING_SYNC_CREATE);
      self->notify_id = g_signal_connect_object (service, "notify", G_CALLBACK (service_notify_cb),
                                                 self, G_CONNECT_SWAPPED);
      if (tw_service_row_get_expanded (self))
        bind_components (self);
      self->latency_dirty = FALSE;
      self->held_dirty = FALSE;
      update_state (self);
      update_latency (self);
      update_connector (self);
      tw_service_row_update_age (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
}

void
tw_service_row_set_connector_name (TwServiceRow *self,
                                   const char   *connector_name)
{
  g_return_if_fail (TW_IS_SERVICE_ROW (self));

  if (g_strcmp0 (self->connector_name, connector_name) == 0)
    return;
  g_free (self->connector_name);
  self->connector_name = g_strdup (connector_name);
  if (self->service != NULL)
    update_connector (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTOR_NAME]);
}

/**
 * tw_service_row_set_defer_latency:
 * @defer: whether a new latency waits for the next tw_service_row_update_age()
 *
 * For a page that calls tw_service_row_update_age() on every row in view once a
 * second: the latency of each answer (and the "slow" message that quotes it) is shown
 * on that tick instead of at once, so many rows are laid out once a second, not on
 * every answer. A new state or error is always shown at once, with its latency.
 */
void
tw_service_row_set_defer_latency (TwServiceRow *self,
                                  gboolean      defer)
{
  g_return_if_fail (TW_IS_SERVICE_ROW (self));

  self->defer_latency = defer;
  if (!defer && self->latency_dirty && self->service != NULL)
    {
      self->latency_dirty = FALSE;
      update_latency (self);
      update_state (self);
    }
}

void
tw_service_row_set_fresh_seconds (TwServiceRow *self,
                                  guint         seconds)
{
  g_return_if_fail (TW_IS_SERVICE_ROW (self));

  if (self->fresh_seconds == seconds)
    return;
  self->fresh_seconds = seconds;
  tw_service_row_update_age (self);
}

static void
tw_service_row_dispose (GObject *object)
{
  TwServiceRow *self = TW_SERVICE_ROW (object);
  GtkWidget *child;

  unbind_service (self);
  tw_service_row_set_trading_state (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_SERVICE_ROW);
  /* The template's top box has no id: a plain widget unparents it itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tw_service_row_parent_class)->dispose (object);
}

static void
tw_service_row_finalize (GObject *object)
{
  TwServiceRow *self = TW_SERVICE_ROW (object);

  g_clear_pointer (&self->connector_name, g_free);

  G_OBJECT_CLASS (tw_service_row_parent_class)->finalize (object);
}

static void
tw_service_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TwServiceRow *self = TW_SERVICE_ROW (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      g_value_set_object (value, self->service);
      break;
    case PROP_CONNECTOR_NAME:
      g_value_set_string (value, self->connector_name);
      break;
    case PROP_EXPANDED:
      g_value_set_boolean (value, tw_service_row_get_expanded (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_service_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TwServiceRow *self = TW_SERVICE_ROW (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      tw_service_row_set_service (self, g_value_get_object (value));
      break;
    case PROP_CONNECTOR_NAME:
      tw_service_row_set_connector_name (self, g_value_get_string (value));
      break;
    case PROP_EXPANDED:
      tw_service_row_set_expanded (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_service_row_class_init (TwServiceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_service_row_dispose;
  object_class->finalize = tw_service_row_finalize;
  object_class->get_property = tw_service_row_get_property;
  object_class->set_property = tw_service_row_set_property;

  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, NULL, TW_TYPE_SERVICE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONNECTOR_NAME] =
    g_param_spec_string ("connector-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_EXPANDED] =
    g_param_spec_boolean ("expanded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-service-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, connector_label);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, trading_label);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, latency_label);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, age_label);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, expand_button);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, keys_button);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, line_box);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, names_box);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, status_box);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, status_top);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, status_bottom);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, revealer);
  gtk_widget_class_bind_template_child (widget_class, TwServiceRow, components_list);
  gtk_widget_class_bind_template_callback (widget_class, expand_button_active_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tw-service-row");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tw_service_row_init (TwServiceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Here, not in the template, whose tooltips each asked the display where the pointer
   * is: half of a row's making, for a row not on screen yet (tw_ui_set_tooltip_text). */
  tw_ui_set_tooltip_text (GTK_WIDGET (self->trading_label), _("Trading state"));
  tw_ui_set_tooltip_text (GTK_WIDGET (self->state_label), _("Health"));
  tw_ui_set_tooltip_text (GTK_WIDGET (self->keys_button), _("Rotate or revoke keys"));
  tw_ui_set_tooltip_text (GTK_WIDGET (self->expand_button), _("Show components"));
}

GtkWidget *
tw_service_row_new (TwService  *service,
                    const char *connector_name)
{
  g_return_val_if_fail (service == NULL || TW_IS_SERVICE (service), NULL);

  return g_object_new (TW_TYPE_SERVICE_ROW,
                       "service", service,
                       "connector-name", connector_name,
                       NULL);
}

TwService *
tw_service_row_get_service (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), NULL);

  return self->service;
}

gboolean
tw_service_row_get_expanded (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), FALSE);

  return gtk_toggle_button_get_active (self->expand_button);
}

void
tw_service_row_set_expanded (TwServiceRow *self,
                             gboolean      expanded)
{
  g_return_if_fail (TW_IS_SERVICE_ROW (self));

  /* notify::active on the button notifies "expanded" */
  gtk_toggle_button_set_active (self->expand_button, expanded);
}

const char *
tw_service_row_get_state_text (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), NULL);

  flush_held (self);
  return gtk_label_get_label (self->state_label);
}

const char *
_tw_service_row_peek_latency_text (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), NULL);

  return gtk_inscription_get_text (self->latency_label);
}

GtkWidget *
_tw_service_row_get_latency_widget (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), NULL);

  return GTK_WIDGET (self->latency_label);
}

const char *
tw_service_row_get_message_text (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), NULL);

  flush_held (self);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_label (self->message_label);
}

const char *
tw_service_row_get_age_text (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), NULL);

  flush_held (self);
  return gtk_label_get_label (self->age_label);
}

gboolean
_tw_service_row_get_held (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), FALSE);

  return self->held;
}

const char *
_tw_service_row_peek_state_text (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), NULL);

  return gtk_label_get_label (self->state_label);
}

guint
tw_service_row_get_n_component_rows (TwServiceRow *self)
{
  guint n = 0;

  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), 0);

  while (gtk_list_box_get_row_at_index (self->components_list, n) != NULL)
    n++;
  return n;
}

void
tw_service_row_set_narrow (TwServiceRow *self,
                           gboolean      narrow)
{
  g_return_if_fail (TW_IS_SERVICE_ROW (self));

  narrow = !!narrow;
  if (self->narrow == narrow)
    return;
  self->narrow = narrow;
  gtk_widget_set_visible (self->keys_button, !narrow);
  /* Narrow: name, then trading state and health, then latency and age, all under one
   * another at the row's full width; the connector's line (on the service's page) gives
   * way. Wide: the state in a column of its own at the end. */
  gtk_widget_set_visible (GTK_WIDGET (self->connector_label), !narrow);
  g_object_ref (self->status_box);
  gtk_box_remove (GTK_BOX (gtk_widget_get_parent (self->status_box)), self->status_box);
  if (narrow)
    gtk_box_append (GTK_BOX (self->names_box), self->status_box);
  else
    gtk_box_insert_child_after (GTK_BOX (self->line_box), self->status_box, self->names_box);
  g_object_unref (self->status_box);
  gtk_widget_set_halign (self->status_top, narrow ? GTK_ALIGN_START : GTK_ALIGN_END);
  gtk_widget_set_halign (self->status_bottom, narrow ? GTK_ALIGN_START : GTK_ALIGN_END);
  gtk_inscription_set_xalign (self->latency_label, narrow ? 0 : 1);
}

gboolean
tw_service_row_get_narrow (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), FALSE);

  return self->narrow;
}

GtkWidget *
tw_service_row_get_keys_button (TwServiceRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_ROW (self), NULL);

  return self->keys_button;
}
