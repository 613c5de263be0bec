/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-connector.h"

G_BEGIN_DECLS

/* A "name": "template" entry of "headers" or "query", in file order. */
typedef struct
{
  char *name;
  char *value;
} TwTemplatePair;

/* A "map" entry: model property ← pointer. */
typedef struct
{
  char     *property;
  char     *pointer;
  gboolean  required;
} TwMapping;

/* A "health" rule; the words are stored folded to lower case. */
typedef struct
{
  char      *pointer;
  GPtrArray *ok;
  GPtrArray *degraded;
  GPtrArray *down;
} TwHealthRule;

typedef struct
{
  char         *pointer;
  char         *name;      /* "@key" or a pointer inside each component */
  GPtrArray    *map;       /* TwMapping */
  TwHealthRule *health;    /* nullable */
} TwComponentsRule;

struct _TwOperation
{
  TwConnector      *connector;  /* unowned: the connector owns its operations */
  char             *name;
  char             *method;
  char             *path;
  GPtrArray        *query;      /* TwTemplatePair */
  GPtrArray        *headers;    /* TwTemplatePair */
  char             *body;       /* serialized JSON (or the literal string) template, nullable */
  char             *result;
  gboolean          list;
  char             *key;        /* nullable */
  GPtrArray        *map;        /* TwMapping */
  TwHealthRule     *health;     /* nullable */
  TwComponentsRule *components; /* nullable */
};

struct _TwConnector
{
  GObject     parent_instance;

  char       *id;
  char       *name;
  char       *description;
  char       *default_base_url;
  char       *origin;
  char       *filename;         /* as named in messages */
  GPtrArray  *secrets;          /* TwSecretSpec */
  GPtrArray  *headers;          /* TwTemplatePair */
  GHashTable *operations;       /* name → TwOperation */
};

/* One piece of a template: literal text (name == NULL) or a ${…} placeholder. */
typedef struct
{
  char     *text;     /* literal text */
  char     *name;     /* variable or secret name */
  gboolean  secret;   /* ${secret:NAME} */
  gboolean  raw;      /* ${NAME:raw} */
} TwTemplatePart;

/* (element-type TwTemplatePart) The error message is bare (no file/operation prefix). */
GPtrArray      *_tw_template_parse          (const char     *template,
                                             GError        **error);

TwTemplatePair *_tw_template_pair_new       (const char     *name,
                                             const char     *value);
void            _tw_template_pair_free      (TwTemplatePair *pair);
void            _tw_mapping_free            (TwMapping      *mapping);
void            _tw_health_rule_free        (TwHealthRule   *rule);
void            _tw_components_rule_free    (TwComponentsRule *rule);
TwOperation    *_tw_operation_new           (TwConnector    *connector,
                                             const char     *name);
void            _tw_operation_free          (TwOperation    *op);
void            _tw_secret_spec_free        (TwSecretSpec   *spec);

/* Fills @self from the parsed document; errors name @self->filename. tw-connector-loader.c */
gboolean        _tw_connector_load          (TwConnector    *self,
                                             JsonNode       *root,
                                             GError        **error);
const TwSecretSpec *_tw_connector_find_secret (TwConnector  *self,
                                             const char     *name);

G_END_DECLS
