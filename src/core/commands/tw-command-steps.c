/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-command.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tw-command-private.h"
#include "tw-error.h"
#include "tw-host-command.h"
#include "tw-sandbox.h"

/* Runs an operation's steps, one after the other, building its JSON document. A step
 * that fails ends the operation with an error naming it (the connector's "fail" words
 * and what was seen: the exit status, the command's own message), so a halt that did
 * not take is a failed halt — never a silent one. */

#define RETRY_INTERVAL_MS 250

typedef TwCommandRun Steps;

static void
steps_free (gpointer data)
{
  Steps *steps = data;

  g_clear_handle_id (&steps->retry_id, g_source_remove);
  g_clear_object (&steps->service);
  g_free (steps->service_name);
  g_clear_pointer (&steps->vars, g_hash_table_unref);
  g_clear_pointer (&steps->doc, json_object_unref);
  g_clear_pointer (&steps->components, json_object_unref);
  g_free (steps->path_prefix);
  g_free (steps->save_dir);
  g_free (steps);
}

static void run_next (GTask *task);

/* ${name} of @template from the variables; a variable that is not set is an error. */
char *
_tw_command_expand (TwCommandRun  *steps,
                    const char    *template,
                    GError       **error)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  parts = _tw_template_parse (template, error);
  if (parts == NULL)
    return NULL;
  for (guint i = 0; i < parts->len; i++)
    {
      TwTemplatePart *part = g_ptr_array_index (parts, i);
      const char *value;

      if (part->name == NULL)
        {
          g_string_append (text, part->text);
          continue;
        }
      value = g_hash_table_lookup (steps->vars, part->name);
      if (value == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("“${%s}” has no value: set it in the service's group of the profile"),
                       part->name);
          return NULL;
        }
      g_string_append (text, value);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
_tw_command_set_var (TwCommandRun *steps,
                     const char   *name,
                     const char   *value)
{
  if (name != NULL)
    g_hash_table_replace (steps->vars, g_strdup (name), g_strdup (value));
}

static void
set_boolean (Steps      *steps,
             const char *name,
             gboolean    value)
{
  json_object_set_boolean_member (steps->doc, name, value);
  _tw_command_set_var (steps, name, value ? "true" : "false");
}

static TwCommandStep *
current (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);

  return g_ptr_array_index (steps->op->steps, steps->next);
}

/* Ends the operation: the step's "fail" words (or what it was doing), then @detail. */
void
_tw_command_fail_step (GTask      *task,
                       gint        code,
                       const char *detail)
{
  Steps *steps = g_task_get_task_data (task);
  TwCommandStep *step = current (task);
  g_autofree char *words = NULL;

  if (step->fail != NULL)
    words = _tw_command_expand (steps, step->fail, NULL);
  if (words == NULL)
    /* Translators: %u is the step's number in the connector's operation */
    words = g_strdup_printf (_("Step %u of “%s” failed"), steps->next + 1,
                             tw_operation_get_name (steps->op));

  if (detail != NULL && *detail != '\0')
    /* Translators: the service, what failed, then what was seen */
    g_task_return_new_error (task, TW_ERROR, code, _("%s: %s (%s)."),
                             steps->service_name, words, detail);
  else
    g_task_return_new_error (task, TW_ERROR, code, _("%s: %s."), steps->service_name, words);
}

void
_tw_command_step_done (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);

  steps->retry_until = 0;
  steps->next++;
  run_next (task);
}

static gboolean
has_status (GArray *statuses,
            int     status)
{
  for (guint i = 0; statuses != NULL && i < statuses->len; i++)
    if (g_array_index (statuses, int, i) == status)
      return TRUE;
  return FALSE;
}

/* A health component: "ok" says whether it passed its check (a component that only
 * tells, the crontab entry being there or not, always does). */
void
_tw_command_add_component (TwCommandRun *steps,
                           const char   *name,
                           const char   *status,
                           const char   *detail,
                           gboolean      ok)
{
  JsonObject *component = json_object_new ();

  if (steps->components == NULL)
    steps->components = json_object_new ();
  json_object_set_string_member (component, "status", status);
  json_object_set_string_member (component, "detail", detail);
  json_object_set_boolean_member (component, "ok", ok);
  json_object_set_object_member (steps->components, name, component);
}

/* "component" of a step that finds a boolean: its "words" for true and false. */
static void
add_told_component (Steps         *steps,
                    TwCommandStep *step,
                    gboolean       value,
                    const char    *detail)
{
  const char *word;
  g_autofree char *text = NULL;

  if (step->component == NULL)
    return;
  /* The word first: a page may show the component's health (it passes) alone. */
  word = g_ptr_array_index (step->words, value ? 0 : 1);
  text = detail != NULL && *detail != '\0' ? g_strdup_printf ("%s — %s", word, detail)
                                           : g_strdup (word);
  _tw_command_add_component (steps, step->component, word, text, TRUE);
}

/* The first line of a command's complaint, for a message. */
static char *
first_line (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  char *end = strchr (copy, '\n');

  if (end != NULL)
    *end = '\0';
  if (g_utf8_strlen (copy, -1) > 200)
    *g_utf8_offset_to_pointer (copy, 200) = '\0';
  return g_steal_pointer (&copy);
}

static void start_run (GTask *task);

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  Steps *steps = g_task_get_task_data (task);

  steps->retry_id = 0;
  start_run (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
on_run (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Steps *steps = g_task_get_task_data (task);
  TwCommandStep *step = current (task);
  g_autoptr(TwCommandOutput) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  g_autofree char *detail = NULL;

  output = tw_command_run_finish (result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (output == NULL)
    {
      _tw_command_fail_step (task, error->code == TW_ERROR_TIMEOUT ? TW_ERROR_TIMEOUT : TW_ERROR_FAILED,
                 error->message);
      return;
    }

  if (step->yes != NULL)
    {
      if (has_status (step->yes, output->exit_status) || has_status (step->no, output->exit_status))
        {
          gboolean value = has_status (step->yes, output->exit_status);
          g_autofree char *told = first_line (output->out);

          set_boolean (steps, step->set, value);
          /* What it printed, e.g. pgrep's process ids */
          add_told_component (steps, step, value, told);
          _tw_command_step_done (task);
          return;
        }
    }
  else if (has_status (step->ok, output->exit_status))
    {
      _tw_command_set_var (steps, step->out, output->out);
      if (step->set != NULL)
        {
          g_autofree char *value = g_strstrip (g_strdup (output->out));

          json_object_set_string_member (steps->doc, step->set, value);
        }
      _tw_command_step_done (task);
      return;
    }

  /* "no crontab for user": nothing there, which is no failure. */
  if (step->empty_when != NULL && step->yes == NULL)
    {
      g_autofree char *pattern = _tw_command_expand (steps, step->empty_when, NULL);
      g_autoptr(GRegex) regex = pattern != NULL ? g_regex_new (pattern, 0, 0, NULL) : NULL;

      if (regex != NULL && g_regex_match (regex, output->err, 0, NULL))
        {
          _tw_command_set_var (steps, step->out, "");
          if (step->set != NULL)
            json_object_set_string_member (steps->doc, step->set, "");
          _tw_command_step_done (task);
          return;
        }
    }

  /* Not yet: a process may take a moment to go. */
  if (step->retry_ms > 0)
    {
      if (steps->retry_until == 0)
        steps->retry_until = g_get_monotonic_time () + (gint64) step->retry_ms * 1000;
      if (g_get_monotonic_time () < steps->retry_until)
        {
          steps->retry_id = g_timeout_add (RETRY_INTERVAL_MS, retry_cb, g_object_ref (task));
          return;
        }
    }

  said = first_line (*output->err != '\0' ? output->err : output->out);
  if (*said != '\0')
    /* Translators: the program, its exit status, then what it printed */
    detail = g_strdup_printf (_("%s exited with status %d: %s"),
                              (const char *) g_ptr_array_index (step->argv, 0),
                              output->exit_status, said);
  else
    detail = g_strdup_printf (_("%s exited with status %d"),
                              (const char *) g_ptr_array_index (step->argv, 0),
                              output->exit_status);
  _tw_command_fail_step (task, TW_ERROR_FAILED, detail);
}

static void
start_run (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);
  TwCommandStep *step = current (task);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;
  TwCommandSpec spec = { NULL, };

  if (g_task_return_error_if_cancelled (task))
    return;
  for (guint i = 0; i < step->argv->len; i++)
    {
      char *arg = _tw_command_expand (steps, g_ptr_array_index (step->argv, i), &error);

      if (arg == NULL)
        {
          _tw_command_fail_step (task, TW_ERROR_INVALID, error->message);
          return;
        }
      g_ptr_array_add (argv, arg);
    }
  g_ptr_array_add (argv, NULL);
  if (step->input != NULL && (input = _tw_command_expand (steps, step->input, &error)) == NULL)
    {
      _tw_command_fail_step (task, TW_ERROR_INVALID, error->message);
      return;
    }

  spec.argv = (const char * const *) argv->pdata;
  spec.input = input;
  spec.path_prefix = steps->path_prefix;
  spec.on_host = steps->on_host;
  spec.timeout_ms = step->timeout_ms;
  tw_command_run_async (&spec, g_task_get_cancellable (task), on_run, g_object_ref (task));
}

static GRegex *
compile (GTask         *task,
         TwCommandStep *step)
{
  Steps *steps = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = _tw_command_expand (steps, step->pattern, &error);
  GRegex *regex;

  if (pattern == NULL)
    {
      _tw_command_fail_step (task, TW_ERROR_INVALID, error->message);
      return NULL;
    }
  if (*pattern == '\0')
    {
      _tw_command_fail_step (task, TW_ERROR_INVALID, _("the pattern is empty: it would find every line"));
      return NULL;
    }
  regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, &error);
  if (regex == NULL)
    _tw_command_fail_step (task, TW_ERROR_INVALID, error->message);
  return regex;
}

/* filter and expect: the lines of the text the pattern finds something in. */
static void
do_lines (GTask         *task,
          TwCommandStep *step)
{
  Steps *steps = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = _tw_command_expand (steps, step->text, &error);
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  const char *first = NULL;
  guint found = 0;

  if (text == NULL)
    {
      _tw_command_fail_step (task, TW_ERROR_INVALID, error->message);
      return;
    }
  if ((regex = compile (task, step)) == NULL)
    return;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0' && lines[i + 1] == NULL)
        break;   /* the text's final newline */
      if (g_regex_match (regex, lines[i], 0, NULL))
        {
          if (found++ == 0)
            first = lines[i];
        }
      else
        g_string_append_printf (kept, "%s\n", lines[i]);
    }

  if (step->kind == TW_STEP_FILTER)
    {
      g_autofree char *count = g_strdup_printf ("%u", found);

      _tw_command_set_var (steps, step->out, kept->str);
      _tw_command_set_var (steps, step->count, count);
      if (step->count != NULL)
        json_object_set_int_member (steps->doc, step->count, found);
      _tw_command_step_done (task);
      return;
    }

  if (step->set != NULL)
    {
      g_autofree char *none = NULL;

      set_boolean (steps, step->set, found > 0);
      if (first == NULL)
        /* Translators: no line of a text (a crontab) matched the pattern %s */
        none = g_strdup_printf (_("no line matches %s"), g_regex_get_pattern (regex));
      add_told_component (steps, step, found > 0, first != NULL ? first : none);
    }
  else if ((found > 0) != step->present)
    {
      g_autofree char *detail =
        found > 0 ? g_strdup_printf (ngettext ("%u line still matches", "%u lines still match",
                                               found), found)
                  : g_strdup (_("no line matches"));

      _tw_command_fail_step (task, TW_ERROR_FAILED, detail);
      return;
    }
  _tw_command_step_done (task);
}

static void
do_any (GTask         *task,
        TwCommandStep *step)
{
  Steps *steps = g_task_get_task_data (task);
  gboolean any = FALSE;

  for (guint i = 0; i < step->members->len; i++)
    {
      JsonNode *member = json_object_get_member (steps->doc, g_ptr_array_index (step->members, i));

      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_BOOLEAN && json_node_get_boolean (member))
        any = TRUE;
    }
  set_boolean (steps, step->set, any);
  _tw_command_step_done (task);
}

static gboolean
is_set (const char *value)
{
  return value != NULL && *value != '\0' && g_strcmp0 (value, "0") != 0 &&
         g_strcmp0 (value, "false") != 0;
}

static void
finish (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);

  if (steps->components != NULL)
    {
      gboolean all_ok = TRUE;
      g_autoptr(GList) names = json_object_get_members (steps->components);

      for (const GList *l = names; l != NULL; l = l->next)
        {
          JsonObject *component = json_object_get_object_member (steps->components, l->data);

          if (!json_object_get_boolean_member (component, "ok"))
            all_ok = FALSE;
        }
      json_object_set_string_member (steps->doc, "status", all_ok ? "ok" : "failing");
      json_object_set_object_member (steps->doc, "components",
                                     json_object_ref (steps->components));
    }
  json_node_set_object (root, steps->doc);
  g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
}

static void
run_next (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);
  TwCommandStep *step;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (steps->next >= steps->op->steps->len)
    {
      finish (task);
      return;
    }
  step = current (task);
  if (step->when != NULL && !is_set (g_hash_table_lookup (steps->vars, step->when)))
    {
      _tw_command_step_done (task);
      return;
    }

  switch (step->kind)
    {
    case TW_STEP_RUN:
      start_run (task);
      break;
    case TW_STEP_SAVE:
      _tw_command_do_save (task, step);
      break;
    case TW_STEP_LOAD_SAVED:
      _tw_command_do_load_saved (task, step);
      break;
    case TW_STEP_FILTER:
    case TW_STEP_EXPECT:
      do_lines (task, step);
      break;
    case TW_STEP_FILE:
      _tw_command_do_file (task, step);
      break;
    case TW_STEP_ANY:
      do_any (task, step);
      break;
    case TW_STEP_MESSAGE:
    default:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *text = _tw_command_expand (steps, step->text, &error);

        if (text == NULL)
          {
            _tw_command_fail_step (task, TW_ERROR_INVALID, error->message);
            return;
          }
        json_object_set_string_member (steps->doc, "message", text);
        _tw_command_step_done (task);
      }
      break;
    }
}

char *
tw_command_dup_save_dir (TwService  *service,
                         const char *profile_name)
{
  const char *dir;

  g_return_val_if_fail (TW_IS_SERVICE (service), NULL);
  g_return_val_if_fail (profile_name != NULL, NULL);

  dir = tw_service_get_setting (service, "SaveDir");
  if (dir != NULL && *dir != '\0')
    return g_strdup (dir);
  return g_build_filename (g_get_user_data_dir (), "tradewarden", "saved", profile_name,
                           tw_service_get_id (service), NULL);
}

/* The variables every step sees: the settings, ${dir}, ${timestamp}, the call's own. */
static gboolean
prepare (Steps       *steps,
         const char  *profile_name,
         GHashTable  *vars,
         GError     **error)
{
  TwConnector *connector = steps->op->connector;
  GPtrArray *settings = tw_connector_get_settings (connector);
  const char *base_url = tw_service_get_base_url (steps->service);
  const char *allow_host = tw_service_get_setting (steps->service, "AllowHost");
  const char *flatpak_info;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (vars != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, vars);
      while (g_hash_table_iter_next (&iter, &key, &value))
        _tw_command_set_var (steps, key, value);
    }
  g_hash_table_replace (steps->vars, g_strdup ("timestamp"), g_date_time_format (now, "%Y%m%d-%H%M%S"));
  _tw_command_set_var (steps, "profile", profile_name);
  _tw_command_set_var (steps, "service", tw_service_get_id (steps->service));
  if (base_url != NULL && g_str_has_prefix (base_url, "file://"))
    {
      g_autofree char *dir = g_filename_from_uri (base_url, NULL, NULL);

      _tw_command_set_var (steps, "dir", dir);
    }

  for (guint i = 0; i < settings->len; i++)
    {
      TwCommandSetting *setting = g_ptr_array_index (settings, i);
      const char *value = tw_service_get_setting (steps->service, setting->name);
      g_autofree char *fallback = NULL;

      if (value == NULL && setting->fallback != NULL)
        {
          g_autoptr(GError) local_error = NULL;

          value = fallback = _tw_command_expand (steps, setting->fallback, &local_error);
          if (value == NULL)
            {
              g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                           _("%s: its “%s” cannot be worked out (%s). Set BaseUrl=file:///its/folder "
                             "or %s= in its group of the profile."),
                           steps->service_name, setting->name, local_error->message, setting->name);
              return FALSE;
            }
        }
      if (value == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: “%s” is missing from its group of the profile."),
                       steps->service_name, setting->name);
          return FALSE;
        }
      _tw_command_set_var (steps, setting->name, value);
    }

  steps->path_prefix = g_strdup (tw_service_get_setting (steps->service, "CommandPath"));
  steps->save_dir = tw_command_dup_save_dir (steps->service, profile_name);
  /* Inside the Flatpak sandbox the commands run on the host, through flatpak-spawn
   * --host, when the profile allows it (HostCommands=true; a service's own
   * AllowHost=true allows it for that service alone); AllowHost=false keeps them in
   * the sandbox (the demo's stand-ins live there). Otherwise they are refused before
   * anything runs, saying what to change. */
  flatpak_info = tw_host_command_get_flatpak_info ();
  if (flatpak_info != NULL && g_strcmp0 (allow_host, "false") != 0)
    {
      const char *program = NULL;
      gboolean allowed = tw_service_get_host_commands (steps->service) ||
                         g_strcmp0 (allow_host, "true") == 0;
      g_autoptr(GError) local_error = NULL;
      g_auto(GStrv) host_argv = NULL;

      /* The first command it would run names what cannot run. */
      for (guint i = 0; program == NULL && i < steps->op->steps->len; i++)
        {
          TwCommandStep *step = g_ptr_array_index (steps->op->steps, i);

          if (step->kind == TW_STEP_RUN && step->argv->len > 0)
            program = g_ptr_array_index (step->argv, 0);
        }
      if (program == NULL)
        return TRUE;   /* files alone: the sandbox's own view of them */
      host_argv = tw_host_command_argv ((const char * const []) { program, NULL }, allowed,
                                        flatpak_info, &local_error);
      if (host_argv == NULL)
        {
          g_set_error (error, TW_ERROR, local_error->code,
                       /* Translators: a service's name, then why its commands cannot run */
                       _("%s is run by commands on this computer. %s"),
                       steps->service_name, local_error->message);
          return FALSE;
        }
      steps->on_host = TRUE;
    }
  return TRUE;
}

/* One operation at a time per service: a status probe's `pgrep -f PATTERN` must never run
 * beside a halt's `pkill -f PATTERN` (each would find the other by its command line), nor
 * read a crontab that a halt is halfway through rewriting. The others wait their turn. */
typedef struct
{
  GQueue   waiting;   /* GTask, owned */
  gboolean busy;
} Lane;

#define LANE_KEY "tw-command-lane"

static void
lane_free (gpointer data)
{
  Lane *lane = data;

  g_queue_clear_full (&lane->waiting, g_object_unref);
  g_free (lane);
}

static Lane *
get_lane (TwService *service)
{
  Lane *lane = g_object_get_data (G_OBJECT (service), LANE_KEY);

  if (lane == NULL)
    {
      lane = g_new0 (Lane, 1);
      g_queue_init (&lane->waiting);
      g_object_set_data_full (G_OBJECT (service), LANE_KEY, lane, lane_free);
    }
  return lane;
}

static void lane_enter (GTask *task);

static void
on_completed (GTask      *task,
              GParamSpec *pspec,
              gpointer    user_data)
{
  Steps *steps = g_task_get_task_data (task);
  Lane *lane = get_lane (steps->service);
  g_autoptr(GTask) next = NULL;

  lane->busy = FALSE;
  next = g_queue_pop_head (&lane->waiting);
  if (next != NULL)
    lane_enter (next);
}

static void
lane_enter (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);
  Lane *lane = get_lane (steps->service);

  if (lane->busy)
    {
      g_queue_push_tail (&lane->waiting, g_object_ref (task));
      return;
    }
  lane->busy = TRUE;
  g_signal_connect (task, "notify::completed", G_CALLBACK (on_completed), NULL);
  steps->started = g_get_monotonic_time ();
  run_next (task);
}

void
tw_command_operation_run_async (const TwOperation   *op,
                                TwService           *service,
                                const char          *profile_name,
                                GHashTable          *vars,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Steps *steps;

  g_return_if_fail (op != NULL && op->steps != NULL);
  g_return_if_fail (TW_IS_SERVICE (service));
  g_return_if_fail (profile_name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_command_operation_run_async);
  g_task_set_name (task, "[tw-command] steps");

  steps = g_new0 (Steps, 1);
  steps->op = op;
  steps->service = g_object_ref (service);
  steps->service_name = g_strdup (tw_service_get_name (service) != NULL
                                  ? tw_service_get_name (service) : tw_service_get_id (service));
  steps->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  steps->doc = json_object_new ();
  g_task_set_task_data (task, steps, steps_free);

  if (!prepare (steps, profile_name, vars, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Each step that waits holds a reference of its own. */
  lane_enter (task);
}

/**
 * tw_command_operation_run_finish:
 *
 * @run_us: (out) (optional): how long the steps ran (not the wait for their turn)
 *
 * Returns: (transfer full): the document the steps built, or %NULL with @error
 */
JsonNode *
tw_command_operation_run_finish (GAsyncResult  *result,
                                 gint64        *run_us,
                                 GError       **error)
{
  Steps *steps;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  steps = g_task_get_task_data (G_TASK (result));
  if (run_us != NULL)
    *run_us = steps->started != 0 ? g_get_monotonic_time () - steps->started : 0;
  return g_task_propagate_pointer (G_TASK (result), error);
}
