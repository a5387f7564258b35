/// The API's OpenAPI 3.1 document, served at `/api/v1/openapi.json`; a test checks it equals docs/openapi.json.
enum ConsoleOpenAPI {
    static let document = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Offload console API",
    "version": "1",
    "description": "The JSON API of `offload web` and of OffloadConsole mounted in an app (docs/console.md). Errors are {\"error\": \"message\"}. Actions are POSTs that need the X-CSRF-Token header and, when the browser sends one, an Origin equal to the console's."
  },
  "paths": {
    "/api/v1/tasks": {
      "get": {
        "summary": "Tasks matching filters, newest first, one keyset page.",
        "operationId": "listTasks",
        "parameters": [
          {
            "name": "status",
            "in": "query",
            "description": "Comma-separated statuses: PENDING, RUNNING, SUCCESSFUL, FAILED.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "queue",
            "in": "query",
            "description": "Queue name, exact.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "task",
            "in": "query",
            "description": "Task name, exact.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "from",
            "in": "query",
            "description": "Enqueued at or after (ISO 8601 date or date-time).",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "to",
            "in": "query",
            "description": "Enqueued before (ISO 8601 date or date-time).",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "q",
            "in": "query",
            "description": "Text the arguments' JSON contains.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "before",
            "in": "query",
            "description": "Keyset cursor: the nextCursor of the previous page (a task id).",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "description": "Page size, 1-1000 (default 50).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of tasks.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskList"
                }
              }
            }
          },
          "400": {
            "description": "Malformed filter.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/tasks/{id}": {
      "get": {
        "summary": "One task.",
        "operationId": "getTask",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The task.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Task"
                }
              }
            }
          },
          "400": {
            "description": "Malformed id.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/TaskNotFound"
          }
        }
      }
    },
    "/api/v1/queues": {
      "get": {
        "summary": "Per queue counts, oldest ready age and paused state; tasks finished per minute over the last hour.",
        "operationId": "getQueues",
        "responses": {
          "200": {
            "description": "The overview.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Queues"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/workers": {
      "get": {
        "summary": "Every registered worker on every host, stale ones marked.",
        "operationId": "getWorkers",
        "responses": {
          "200": {
            "description": "The workers.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Workers"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/schedules": {
      "get": {
        "summary": "Every periodic task the supervisors run, as offload schedules lists them: schedule, last run with its task's status now, next run.",
        "operationId": "getSchedules",
        "responses": {
          "200": {
            "description": "The schedules.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Schedules"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/tasks/{id}/retry": {
      "post": {
        "summary": "Retry a FAILED task with a fresh set of attempts.",
        "operationId": "RetryTask",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/ActionResult"
          },
          "400": {
            "$ref": "#/components/responses/MalformedAction"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          },
          "404": {
            "$ref": "#/components/responses/TaskNotFound"
          },
          "409": {
            "$ref": "#/components/responses/WrongState"
          }
        }
      }
    },
    "/api/v1/tasks/{id}/delete": {
      "post": {
        "summary": "Delete a finished (SUCCESSFUL or FAILED) task.",
        "operationId": "DeleteTask",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/ActionResult"
          },
          "400": {
            "$ref": "#/components/responses/MalformedAction"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          },
          "404": {
            "$ref": "#/components/responses/TaskNotFound"
          },
          "409": {
            "$ref": "#/components/responses/WrongState"
          }
        }
      }
    },
    "/api/v1/tasks/{id}/run": {
      "post": {
        "summary": "Make a delayed PENDING task ready now.",
        "operationId": "RunTask",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/ActionResult"
          },
          "400": {
            "$ref": "#/components/responses/MalformedAction"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          },
          "404": {
            "$ref": "#/components/responses/TaskNotFound"
          },
          "409": {
            "$ref": "#/components/responses/WrongState"
          }
        }
      }
    },
    "/api/v1/tasks/{id}/cancel": {
      "post": {
        "summary": "Cancel a task: a PENDING (or delayed) one becomes CANCELLED at once; a RUNNING one is asked to stop through its worker and ends CANCELLED.",
        "operationId": "CancelTask",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/ActionResult"
          },
          "400": {
            "$ref": "#/components/responses/MalformedAction"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          },
          "404": {
            "$ref": "#/components/responses/TaskNotFound"
          },
          "409": {
            "$ref": "#/components/responses/WrongState"
          }
        }
      }
    },
    "/api/v1/tasks/bulk/retry": {
      "post": {
        "summary": "Retry the FAILED tasks among ids or matching a filter (at most 1000).",
        "operationId": "bulkRetryTasks",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/ActionResult"
          },
          "400": {
            "$ref": "#/components/responses/MalformedAction"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/BulkRequest"
              }
            }
          }
        }
      }
    },
    "/api/v1/tasks/bulk/delete": {
      "post": {
        "summary": "Delete the finished tasks among ids or matching a filter (at most 1000).",
        "operationId": "bulkDeleteTasks",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/ActionResult"
          },
          "400": {
            "$ref": "#/components/responses/MalformedAction"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/BulkRequest"
              }
            }
          }
        }
      }
    },
    "/api/v1/tasks/bulk/run": {
      "post": {
        "summary": "Make ready now the delayed tasks among ids or matching a filter (at most 1000).",
        "operationId": "bulkRunTasks",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/ActionResult"
          },
          "400": {
            "$ref": "#/components/responses/MalformedAction"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/BulkRequest"
              }
            }
          }
        }
      }
    },
    "/api/v1/tasks/bulk/cancel": {
      "post": {
        "summary": "Cancel the PENDING and RUNNING tasks among ids or matching a filter (at most 1000).",
        "operationId": "bulkCancelTasks",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/ActionResult"
          },
          "400": {
            "$ref": "#/components/responses/MalformedAction"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/BulkRequest"
              }
            }
          }
        }
      }
    },
    "/api/v1/queues/{name}/pause": {
      "post": {
        "summary": "Pause a queue: no worker on any host starts its tasks until it is resumed; enqueueing still works. Idempotent.",
        "operationId": "PauseQueue",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/QueueChanged"
          },
          "400": {
            "$ref": "#/components/responses/MalformedQueueName"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          }
        }
      }
    },
    "/api/v1/queues/{name}/resume": {
      "post": {
        "summary": "Resume a paused queue: idle workers claim from it at once. Idempotent.",
        "operationId": "ResumeQueue",
        "parameters": [
          {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": true,
            "description": "The token in the pages' <meta name=\"csrf-token\">.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1
            }
          }
        ],
        "responses": {
          "200": {
            "$ref": "#/components/responses/QueueChanged"
          },
          "400": {
            "$ref": "#/components/responses/MalformedQueueName"
          },
          "403": {
            "$ref": "#/components/responses/ActionRefused"
          }
        }
      }
    },
    "/api/v1/openapi.json": {
      "get": {
        "summary": "This document.",
        "operationId": "getOpenAPI",
        "responses": {
          "200": {
            "description": "OpenAPI 3.1 document.",
            "content": {
              "application/json": {}
            }
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "string"
          }
        }
      },
      "AttemptError": {
        "type": "object",
        "properties": {
          "exceptionType": {
            "type": "string"
          },
          "message": {
            "type": "string"
          },
          "traceback": {
            "type": [
              "string",
              "null"
            ]
          },
          "attempt": {
            "type": "integer"
          },
          "workerID": {
            "type": [
              "string",
              "null"
            ]
          },
          "failedAt": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "Task": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64"
          },
          "taskName": {
            "type": "string"
          },
          "queueName": {
            "type": "string"
          },
          "backend": {
            "type": "string"
          },
          "priority": {
            "type": "integer"
          },
          "status": {
            "type": "string",
            "enum": [
              "PENDING",
              "RUNNING",
              "SUCCESSFUL",
              "FAILED"
            ]
          },
          "arguments": {
            "type": "string",
            "description": "JSON text of the arguments."
          },
          "returnValue": {
            "type": [
              "string",
              "null"
            ],
            "description": "JSON text of the return value."
          },
          "enqueuedAt": {
            "type": "string",
            "format": "date-time"
          },
          "runAfter": {
            "type": "string",
            "format": "date-time"
          },
          "startedAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "finishedAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "lastAttemptedAt": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "attempts": {
            "type": "integer"
          },
          "retry": {
            "type": "object"
          },
          "timeout": {
            "type": [
              "object",
              "null"
            ]
          },
          "workerIDs": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "errors": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AttemptError"
            }
          },
          "unreadableColumns": {
            "type": "array",
            "items": {
              "type": "object"
            }
          }
        }
      },
      "TaskList": {
        "type": "object",
        "required": [
          "tasks"
        ],
        "properties": {
          "tasks": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Task"
            }
          },
          "nextCursor": {
            "type": [
              "string",
              "null"
            ],
            "description": "Pass as before= for the next page; absent on the last page. After a stopped search, it continues the search below the last row examined."
          },
          "searchStopped": {
            "type": [
              "boolean",
              "null"
            ],
            "description": "true when a filter with no index to search examined examineLimit rows without filling the page; the tasks found so far are listed."
          },
          "examineLimit": {
            "type": [
              "integer",
              "null"
            ],
            "description": "The rows examined for this page when searchStopped is true."
          }
        }
      },
      "Queue": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "pending": {
            "type": "integer",
            "description": "Ready and delayed tasks."
          },
          "running": {
            "type": "integer"
          },
          "successful": {
            "type": "integer",
            "description": "Succeeded in the last finishedWindowSeconds (not ever: that count would grow with the table)."
          },
          "failed": {
            "type": "integer",
            "description": "Failed in the last finishedWindowSeconds."
          },
          "oldestReadyAgeSeconds": {
            "type": [
              "number",
              "null"
            ]
          },
          "paused": {
            "type": [
              "boolean",
              "null"
            ]
          },
          "delayed": {
            "type": [
              "integer",
              "null"
            ],
            "description": "Pending tasks waiting for their run-after time (counted in pending too)."
          },
          "cancelled": {
            "type": [
              "integer",
              "null"
            ],
            "description": "Cancelled in the last finishedWindowSeconds."
          }
        }
      },
      "Minute": {
        "type": "object",
        "properties": {
          "minute": {
            "type": "string",
            "format": "date-time"
          },
          "succeeded": {
            "type": "integer"
          },
          "failed": {
            "type": "integer"
          }
        }
      },
      "Queues": {
        "type": "object",
        "properties": {
          "queues": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Queue"
            }
          },
          "lastHour": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Minute"
            }
          },
          "generatedAt": {
            "type": "string",
            "format": "date-time"
          },
          "finishedWindowSeconds": {
            "type": [
              "number",
              "null"
            ],
            "description": "The window of the queues' finished counts, in seconds back from generatedAt: 86400, or less when more tasks than the console's finishedCountLimit finished in the last day (finishedLimited)."
          },
          "finishedLimited": {
            "type": [
              "boolean",
              "null"
            ],
            "description": "true when the finished counts cover the most recent finishedCountLimit tasks rather than the whole day."
          }
        }
      },
      "Worker": {
        "type": "object",
        "properties": {
          "stale": {
            "type": "boolean"
          },
          "worker": {
            "type": "object",
            "properties": {
              "id": {
                "type": "string"
              },
              "host": {
                "type": "string"
              },
              "pid": {
                "type": "integer"
              },
              "queues": {
                "type": "string"
              },
              "state": {
                "type": "string"
              },
              "currentTaskIDs": {
                "type": "array",
                "items": {
                  "type": "integer"
                }
              },
              "tasksDone": {
                "type": "integer"
              },
              "startedAt": {
                "type": "string",
                "format": "date-time"
              },
              "heartbeatAt": {
                "type": "string",
                "format": "date-time"
              },
              "supervisorID": {
                "type": [
                  "string",
                  "null"
                ]
              }
            }
          }
        }
      },
      "Workers": {
        "type": "object",
        "properties": {
          "workers": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Worker"
            }
          }
        }
      },
      "Schedule": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "taskName": {
            "type": "string"
          },
          "summary": {
            "type": "string",
            "description": "As the supervisor registered it: a cron expression and its time zone, e.g. 30 2 * * * (Europe/Berlin), or every 300s."
          },
          "timeZone": {
            "type": [
              "string",
              "null"
            ],
            "description": "The cron schedule's time zone; absent for an interval."
          },
          "lastSlot": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "description": "The last slot enqueued; absent before the first."
          },
          "lastTaskID": {
            "type": [
              "integer",
              "null"
            ],
            "description": "The task the last slot enqueued."
          },
          "lastStatus": {
            "type": [
              "string",
              "null"
            ],
            "description": "That task's status now; absent once it was pruned."
          },
          "nextTime": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          }
        }
      },
      "Schedules": {
        "type": "object",
        "properties": {
          "schedules": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Schedule"
            }
          }
        }
      },
      "BulkRequest": {
        "type": "object",
        "description": "Either ids or filter (the task list's query names, as strings).",
        "properties": {
          "ids": {
            "type": "array",
            "maxItems": 1000,
            "items": {
              "type": "integer",
              "format": "int64"
            }
          },
          "filter": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          }
        }
      },
      "ActionResult": {
        "type": "object",
        "properties": {
          "action": {
            "type": "string"
          },
          "touched": {
            "type": "array",
            "items": {
              "type": "integer"
            }
          },
          "skipped": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "id": {
                  "type": "integer"
                },
                "reason": {
                  "type": "string"
                }
              }
            }
          }
        }
      },
      "QueueChange": {
        "type": "object",
        "properties": {
          "queue": {
            "type": "string"
          },
          "paused": {
            "type": "boolean"
          },
          "changed": {
            "type": "boolean",
            "description": "false when the queue already was in that state."
          }
        },
        "required": [
          "queue",
          "paused",
          "changed"
        ]
      }
    },
    "responses": {
      "ActionRefused": {
        "description": "Read-only console, missing or wrong CSRF token, or a cross-origin request.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "ActionResult": {
        "description": "What the action touched and skipped.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/ActionResult"
            }
          }
        }
      },
      "MalformedAction": {
        "description": "Malformed id, body or filter.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "TaskNotFound": {
        "description": "No such task.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "WrongState": {
        "description": "The task is not in a state this action applies to.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "QueueChanged": {
        "description": "The queue's state now, and whether this request changed it.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/QueueChange"
            }
          }
        }
      },
      "MalformedQueueName": {
        "description": "Malformed queue name.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    }
  }
}
"""# + "\n"
}
