/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-service-editor-row.h"
#include "tw-service-editor-row-private.h"

#include <glib/gi18n.h>
#include <string.h>

struct _TwServiceEditorRow
{
  AdwExpanderRow       parent_instance;

  TwConnectorRegistry *registry;
  TwService           *service;        /* the edited one; NULL for a new service */
  GPtrArray           *secret_rows;    /* AdwPasswordEntryRow, "tw-secret-name" data */
  GPtrArray           *endpoint_rows;  /* AdwEntryRow, "tw-setting" data: the connector's
                                        * other addresses (RateGateUrl=, MlServiceUrl=) */
  TwConnector         *connector;      /* the one the secret rows were built for */
  char                *auto_id;        /* what the last connector prefilled */
  char                *auto_name;
  char                *auto_url;
  gboolean             setting_defaults;
  gboolean             constructed;

  AdwComboRow         *connector_row;
  AdwEntryRow         *id_row;
  AdwEntryRow         *name_row;
  AdwEntryRow         *url_row;
  AdwEntryRow         *env_file_row;    /* the flags issue: optional, read-only paths */
  AdwEntryRow         *flags_file_row;
};

G_DEFINE_FINAL_TYPE (TwServiceEditorRow, tw_service_editor_row, ADW_TYPE_EXPANDER_ROW)

enum {
  PROP_0,
  PROP_REGISTRY,
  PROP_SERVICE,
  N_PROPS
};

enum {
  CHANGED,
  REMOVE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
connector_name_cb (TwConnector *connector)
{
  return g_strdup (connector != NULL ? tw_connector_get_name (connector) : NULL);
}

static const char *
entry_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
update_title (TwServiceEditorRow *self)
{
  const char *name = entry_text (self->name_row);
  const char *id = entry_text (self->id_row);

  if (*name != '\0')
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  else if (*id != '\0')
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), id);
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("New Service"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self),
                                 self->connector != NULL ? tw_connector_get_name (self->connector)
                                                         : _("No connector chosen"));
}

static void
field_changed_cb (TwServiceEditorRow *self)
{
  update_title (self);
  if (!self->setting_defaults)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
remove_clicked_cb (TwServiceEditorRow *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static void
rebuild_secret_rows (TwServiceEditorRow *self)
{
  GPtrArray *specs;

  for (guint i = 0; i < self->secret_rows->len; i++)
    adw_expander_row_remove (ADW_EXPANDER_ROW (self), g_ptr_array_index (self->secret_rows, i));
  g_ptr_array_set_size (self->secret_rows, 0);

  if (self->connector == NULL)
    return;

  specs = tw_connector_get_secrets (self->connector);
  for (guint i = 0; specs != NULL && i < specs->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (specs, i);
      GtkWidget *row = adw_password_entry_row_new ();
      const char *label = spec->label != NULL ? g_dgettext (GETTEXT_PACKAGE, spec->label) : spec->name;
      g_autofree char *title = NULL;

      if (self->service != NULL)
        /* Translators: %s is a secret's label, e.g. "API key" */
        title = g_strdup_printf (_("%s (empty keeps the stored one)"), label);
      else if (spec->required)
        title = g_strdup (label);
      else
        /* Translators: %s is a secret's label, e.g. "Live trading key" */
        title = g_strdup_printf (_("%s (optional)"), label);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      g_object_set_data_full (G_OBJECT (row), "tw-secret-name", g_strdup (spec->name), g_free);
      g_object_set_data (G_OBJECT (row), "tw-secret-required", GINT_TO_POINTER (spec->required));
      g_signal_connect_swapped (row, "changed", G_CALLBACK (field_changed_cb), self);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
      g_ptr_array_add (self->secret_rows, row);
    }
}

/* A row per address of the connector's "endpoints" (001's rate gate, 000's ML
 * service): the profile key it names, empty for the connector's default. Filled from
 * the edited service's key, or from what the operator typed in the rows replaced. */
static void
rebuild_endpoint_rows (TwServiceEditorRow *self)
{
  g_autoptr(GHashTable) typed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GPtrArray *endpoints;

  for (guint i = 0; i < self->endpoint_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->endpoint_rows, i);

      g_hash_table_replace (typed, g_strdup (g_object_get_data (G_OBJECT (row), "tw-setting")),
                            g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
      adw_expander_row_remove (ADW_EXPANDER_ROW (self), row);
    }
  g_ptr_array_set_size (self->endpoint_rows, 0);

  if (self->connector == NULL)
    return;

  endpoints = tw_connector_get_endpoints (self->connector);
  for (guint i = 0; endpoints != NULL && i < endpoints->len; i++)
    {
      const TwEndpoint *endpoint = g_ptr_array_index (endpoints, i);
      GtkWidget *row;
      const char *name;
      const char *value;
      g_autofree char *title = NULL;

      if (endpoint->setting == NULL)
        continue;
      row = adw_entry_row_new ();
      name = endpoint->name != NULL ? g_dgettext (GETTEXT_PACKAGE, endpoint->name) : endpoint->id;
      if (endpoint->default_base_url != NULL)
        /* Translators: an address of a service's part, e.g. "Rate gate address (empty:
         * http://127.0.0.1:3001)": %1$s its name, %2$s the address used when empty */
        title = g_strdup_printf (_("%1$s address (empty: %2$s)"), name, endpoint->default_base_url);
      else
        /* Translators: %s is the name of a service's part, e.g. "Rate gate" */
        title = g_strdup_printf (_("%s address"), name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_URL);
      value = g_hash_table_lookup (typed, endpoint->setting);
      if (value == NULL && self->service != NULL)
        value = tw_service_get_setting (self->service, endpoint->setting);
      gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
      g_object_set_data_full (G_OBJECT (row), "tw-setting", g_strdup (endpoint->setting), g_free);
      g_object_set_data_full (G_OBJECT (row), "tw-endpoint-name", g_strdup (name), g_free);
      g_signal_connect_swapped (row, "changed", G_CALLBACK (field_changed_cb), self);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
      g_ptr_array_add (self->endpoint_rows, row);
    }
}

/* Replaces @row's text by @value unless the operator typed something of their own
 * (empty, or still what the last connector prefilled, counts as not theirs). */
static void
prefill (AdwEntryRow  *row,
         char        **last_auto,
         const char   *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (*text == '\0' || g_strcmp0 (text, *last_auto) == 0)
    gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  g_free (*last_auto);
  *last_auto = g_strdup (value);
}

/* A new connector: prefill what the operator has not typed. */
static void
connector_changed_cb (TwServiceEditorRow *self)
{
  TwConnector *connector = adw_combo_row_get_selected_item (self->connector_row);

  if (!self->constructed || connector == self->connector)
    return;

  self->setting_defaults = TRUE;
  if (connector != NULL)
    {
      prefill (self->url_row, &self->auto_url, tw_connector_get_default_base_url (connector));
      if (self->service == NULL)
        prefill (self->id_row, &self->auto_id, tw_connector_get_id (connector));
      prefill (self->name_row, &self->auto_name, tw_connector_get_name (connector));
    }
  g_set_object (&self->connector, connector);
  rebuild_secret_rows (self);
  rebuild_endpoint_rows (self);
  self->setting_defaults = FALSE;

  update_title (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
tw_service_editor_row_constructed (GObject *object)
{
  TwServiceEditorRow *self = TW_SERVICE_EDITOR_ROW (object);
  g_autoptr(GtkExpression) expression = NULL;
  GListModel *model;

  G_OBJECT_CLASS (tw_service_editor_row_parent_class)->constructed (object);

  g_return_if_fail (TW_IS_CONNECTOR_REGISTRY (self->registry));

  model = tw_connector_registry_get_model (self->registry);
  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (connector_name_cb), NULL, NULL);
  adw_combo_row_set_expression (self->connector_row, expression);
  /* No preselection: the editor asks the operator to pick one. */
  adw_combo_row_set_model (self->connector_row, model);

  self->constructed = TRUE;
  if (self->service != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->id_row), tw_service_get_id (self->service));
      gtk_editable_set_editable (GTK_EDITABLE (self->id_row), FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), tw_service_get_name (self->service));
      gtk_editable_set_text (GTK_EDITABLE (self->url_row),
                             tw_service_get_base_url (self->service) != NULL
                             ? tw_service_get_base_url (self->service) : "");
      gtk_editable_set_text (GTK_EDITABLE (self->env_file_row),
                             tw_service_get_env_file (self->service) ?: "");
      gtk_editable_set_text (GTK_EDITABLE (self->flags_file_row),
                             tw_service_get_flags_file (self->service) ?: "");
      if (!tw_service_editor_row_set_connector_id (self, tw_service_get_connector_id (self->service)))
        adw_combo_row_set_selected (self->connector_row, GTK_INVALID_LIST_POSITION);
    }
  else
    {
      adw_combo_row_set_selected (self->connector_row, GTK_INVALID_LIST_POSITION);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), TRUE);
    }
  connector_changed_cb (self);
  update_title (self);
}

static void
tw_service_editor_row_dispose (GObject *object)
{
  TwServiceEditorRow *self = TW_SERVICE_EDITOR_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_SERVICE_EDITOR_ROW);
  g_clear_object (&self->connector);
  g_clear_object (&self->service);
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (tw_service_editor_row_parent_class)->dispose (object);
}

static void
tw_service_editor_row_finalize (GObject *object)
{
  TwServiceEditorRow *self = TW_SERVICE_EDITOR_ROW (object);

  g_clear_pointer (&self->secret_rows, g_ptr_array_unref);
  g_clear_pointer (&self->endpoint_rows, g_ptr_array_unref);
  g_clear_pointer (&self->auto_id, g_free);
  g_clear_pointer (&self->auto_name, g_free);
  g_clear_pointer (&self->auto_url, g_free);

  G_OBJECT_CLASS (tw_service_editor_row_parent_class)->finalize (object);
}

static void
tw_service_editor_row_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TwServiceEditorRow *self = TW_SERVICE_EDITOR_ROW (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;
    case PROP_SERVICE:
      g_value_set_object (value, self->service);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_service_editor_row_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  TwServiceEditorRow *self = TW_SERVICE_EDITOR_ROW (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      self->registry = g_value_dup_object (value);
      break;
    case PROP_SERVICE:
      self->service = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_service_editor_row_class_init (TwServiceEditorRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tw_service_editor_row_constructed;
  object_class->dispose = tw_service_editor_row_dispose;
  object_class->finalize = tw_service_editor_row_finalize;
  object_class->get_property = tw_service_editor_row_get_property;
  object_class->set_property = tw_service_editor_row_set_property;

  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, TW_TYPE_CONNECTOR_REGISTRY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, NULL, TW_TYPE_SERVICE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-service-editor-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TwServiceEditorRow, connector_row);
  gtk_widget_class_bind_template_child (widget_class, TwServiceEditorRow, id_row);
  gtk_widget_class_bind_template_child (widget_class, TwServiceEditorRow, name_row);
  gtk_widget_class_bind_template_child (widget_class, TwServiceEditorRow, url_row);
  gtk_widget_class_bind_template_child (widget_class, TwServiceEditorRow, env_file_row);
  gtk_widget_class_bind_template_child (widget_class, TwServiceEditorRow, flags_file_row);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, connector_changed_cb);
}

static void
tw_service_editor_row_init (TwServiceEditorRow *self)
{
  self->secret_rows = g_ptr_array_new ();
  self->endpoint_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tw_service_editor_row_new (TwConnectorRegistry *registry,
                           TwService           *service)
{
  g_return_val_if_fail (TW_IS_CONNECTOR_REGISTRY (registry), NULL);
  g_return_val_if_fail (service == NULL || TW_IS_SERVICE (service), NULL);

  return g_object_new (TW_TYPE_SERVICE_EDITOR_ROW,
                       "registry", registry,
                       "service", service,
                       NULL);
}

gboolean
tw_service_editor_row_set_connector_id (TwServiceEditorRow *self,
                                        const char         *connector_id)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (TW_IS_SERVICE_EDITOR_ROW (self), FALSE);

  model = adw_combo_row_get_model (self->connector_row);
  n = model != NULL ? g_list_model_get_n_items (model) : 0;
  for (guint i = 0; i < n && connector_id != NULL; i++)
    {
      g_autoptr(TwConnector) connector = g_list_model_get_item (model, i);

      if (g_strcmp0 (tw_connector_get_id (connector), connector_id) == 0)
        {
          adw_combo_row_set_selected (self->connector_row, i);
          return TRUE;
        }
    }
  return FALSE;
}

const char *
tw_service_editor_row_get_service_id (TwServiceEditorRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_EDITOR_ROW (self), NULL);

  return entry_text (self->id_row);
}

const char *
tw_service_editor_row_get_base_url (TwServiceEditorRow *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_EDITOR_ROW (self), NULL);

  return entry_text (self->url_row);
}

void
tw_service_editor_row_set_base_url (TwServiceEditorRow *self,
                                    const char         *url)
{
  g_return_if_fail (TW_IS_SERVICE_EDITOR_ROW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
}

gboolean
tw_service_editor_row_set_secret (TwServiceEditorRow *self,
                                  const char         *name,
                                  const char         *value)
{
  g_return_val_if_fail (TW_IS_SERVICE_EDITOR_ROW (self), FALSE);

  for (guint i = 0; i < self->secret_rows->len; i++)
    {
      GtkEditable *row = g_ptr_array_index (self->secret_rows, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "tw-secret-name"), name) == 0)
        {
          gtk_editable_set_text (row, value != NULL ? value : "");
          return TRUE;
        }
    }
  return FALSE;
}

GHashTable *
tw_service_editor_row_collect_secrets (TwServiceEditorRow *self)
{
  GHashTable *secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_return_val_if_fail (TW_IS_SERVICE_EDITOR_ROW (self), secrets);

  for (guint i = 0; i < self->secret_rows->len; i++)
    {
      GtkEditable *row = g_ptr_array_index (self->secret_rows, i);
      const char *value = gtk_editable_get_text (row);

      if (*value != '\0')
        g_hash_table_insert (secrets,
                             g_strdup (g_object_get_data (G_OBJECT (row), "tw-secret-name")),
                             g_strdup (value));
    }
  return secrets;
}

void
tw_service_editor_row_clear_secrets (TwServiceEditorRow *self)
{
  g_return_if_fail (TW_IS_SERVICE_EDITOR_ROW (self));

  for (guint i = 0; i < self->secret_rows->len; i++)
    gtk_editable_set_text (g_ptr_array_index (self->secret_rows, i), "");
}

static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
url_is_valid (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  return (g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0)
         && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

static void
mark (GtkWidget *row,
      gboolean   invalid)
{
  if (invalid)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

char *
tw_service_editor_row_validate (TwServiceEditorRow *self)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  const char *title;
  gboolean bad;

  g_return_val_if_fail (TW_IS_SERVICE_EDITOR_ROW (self), NULL);

  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self));

  bad = self->connector == NULL;
  mark (GTK_WIDGET (self->connector_row), bad);
  if (bad)
    g_string_append_printf (problems, _("%s: choose the connector that speaks to this service.\n"), title);

  bad = !id_is_valid (entry_text (self->id_row));
  mark (GTK_WIDGET (self->id_row), bad);
  if (bad)
    g_string_append_printf (problems,
                            _("%s: the identifier must be lowercase letters, digits and dashes.\n"), title);

  bad = !url_is_valid (entry_text (self->url_row));
  mark (GTK_WIDGET (self->url_row), bad);
  if (bad)
    g_string_append_printf (problems,
                            _("%s: the base URL must start with http:// or https:// and name a host.\n"),
                            title);

  for (guint i = 0; i < self->endpoint_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->endpoint_rows, i);
      const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

      bad = *text != '\0' && !url_is_valid (text);
      mark (row, bad);
      if (bad)
        /* Translators: %1$s a service's title, %2$s the name of its part ("Rate gate") */
        g_string_append_printf (problems,
                                _("%1$s: the %2$s address must start with http:// or https:// and "
                                  "name a host, or be empty for the default.\n"),
                                title, (const char *) g_object_get_data (G_OBJECT (row), "tw-endpoint-name"));
    }

  bad = *entry_text (self->env_file_row) != '\0' && !g_path_is_absolute (entry_text (self->env_file_row));
  bad |= *entry_text (self->flags_file_row) != '\0' && !g_path_is_absolute (entry_text (self->flags_file_row));
  mark (GTK_WIDGET (self->env_file_row),
        *entry_text (self->env_file_row) != '\0' && !g_path_is_absolute (entry_text (self->env_file_row)));
  mark (GTK_WIDGET (self->flags_file_row),
        *entry_text (self->flags_file_row) != '\0' && !g_path_is_absolute (entry_text (self->flags_file_row)));
  if (bad)
    g_string_append_printf (problems, _("%s: the service’s files are full paths, starting with “/”.\n"),
                            title);

  for (guint i = 0; i < self->secret_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->secret_rows, i);
      gboolean required = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "tw-secret-required"));

      bad = self->service == NULL && required && *gtk_editable_get_text (GTK_EDITABLE (row)) == '\0';
      mark (row, bad);
      if (bad)
        g_string_append_printf (problems, _("%s: enter the %s.\n"), title,
                                adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
    }

  if (problems->len == 0)
    return NULL;
  g_string_truncate (problems, problems->len - 1);
  return g_string_free (g_steal_pointer (&problems), FALSE);
}

TwService *
tw_service_editor_row_build_service (TwServiceEditorRow *self)
{
  TwService *service;

  g_return_val_if_fail (TW_IS_SERVICE_EDITOR_ROW (self), NULL);

  service = tw_service_new (entry_text (self->id_row),
                            self->connector != NULL ? tw_connector_get_id (self->connector) : NULL,
                            entry_text (self->url_row));
  tw_service_set_name (service, entry_text (self->name_row));
  tw_service_set_env_file (service, entry_text (self->env_file_row));
  tw_service_set_flags_file (service, entry_text (self->flags_file_row));
  /* The keys the editor has no field for (a commands connector's files and patterns)
   * stay, while the connector does. */
  if (self->service != NULL && self->connector != NULL &&
      g_strcmp0 (tw_service_get_connector_id (self->service), tw_connector_get_id (self->connector)) == 0)
    {
      g_autoptr(GPtrArray) keys = tw_service_list_settings (self->service);

      for (guint i = 0; i < keys->len; i++)
        tw_service_set_setting (service, g_ptr_array_index (keys, i),
                                tw_service_get_setting (self->service, g_ptr_array_index (keys, i)));
    }
  /* The addresses the editor has rows for: as typed, none when empty (the default). */
  for (guint i = 0; i < self->endpoint_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->endpoint_rows, i);
      const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

      tw_service_set_setting (service, g_object_get_data (G_OBJECT (row), "tw-setting"),
                              *text != '\0' ? text : NULL);
    }
  return service;
}

gboolean
tw_service_editor_row_set_endpoint_url (TwServiceEditorRow *self,
                                        const char         *setting,
                                        const char         *url)
{
  GtkWidget *row = NULL;

  g_return_val_if_fail (TW_IS_SERVICE_EDITOR_ROW (self), FALSE);
  for (guint i = 0; i < self->endpoint_rows->len && row == NULL; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (self->endpoint_rows, i), "tw-setting"), setting) == 0)
      row = g_ptr_array_index (self->endpoint_rows, i);
  if (row == NULL)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (row), url != NULL ? url : "");
  return TRUE;
}

const char *
tw_service_editor_row_get_endpoint_url (TwServiceEditorRow *self,
                                        const char         *setting)
{
  g_return_val_if_fail (TW_IS_SERVICE_EDITOR_ROW (self), NULL);
  for (guint i = 0; i < self->endpoint_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->endpoint_rows, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "tw-setting"), setting) == 0)
        return gtk_editable_get_text (GTK_EDITABLE (row));
    }
  return NULL;
}

void
tw_service_editor_row_set_env_file (TwServiceEditorRow *self,
                                    const char         *path)
{
  g_return_if_fail (TW_IS_SERVICE_EDITOR_ROW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->env_file_row), path != NULL ? path : "");
}
