/**
 * The GraphQL IDE at `/graphql` in a browser: GraphiQL from a package that ships a self-contained bundle
 * (@graphql-yoga/graphiql), served from node_modules — no CDN, so it works with no internet. It opens on example
 * operations for customers, provenance and conflicts, and for admins' data quality, mapping suggestions and field usage.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import express from 'express';
import type { Request, Response, NextFunction, Router } from 'express';

const require = createRequire(import.meta.url);
const assetsDir = path.dirname(require.resolve('@graphql-yoga/graphiql'));

export const EXAMPLE_OPERATIONS = `# Welcome to customer-graph: one golden customer merged from every CRM.
# Pick an operation with the ▶ button.

query Customers {
  customers(first: 10) {
    totalCount
    edges {
      node {
        id
        email
        firstName
        lastName
        phone
        title
        companyName
        sources { crm objectType recordId }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}

query WhoWonEachField {
  customers(first: 5) {
    edges {
      node {
        email
        provenance(fields: ["phone", "title", "lifecycleStage"]) {
          field
          value
          rule
          source { crm objectType recordId }
          modifiedAt
          candidates { value source { crm recordId } modifiedAt }
        }
      }
    }
  }
}

# Golden records point to each other: a deal's company and contact person, each the golden record the CRMs'
# references (AccountId, ContactId, org_id, associatedcompanyid) are linked to; and a company's people and deals.
query DealsWithCompanyAndContact {
  deals(first: 5) {
    edges {
      node {
        name
        amount
        stage
        company { name domain industry }
        contact { firstName lastName email company { name } }
        provenance(fields: ["company", "contact"]) { field rule source { crm recordId } }
      }
    }
  }
  companies(first: 3) {
    edges {
      node {
        name
        customers(first: 5) { totalCount edges { node { firstName lastName email } } }
        deals(first: 5) { totalCount edges { node { name amount stage } } }
      }
    }
  }
}

query Conflicts {
  customers(first: 20) {
    edges {
      node {
        email
        conflicts { field values { value sources { crm recordId } } }
      }
    }
  }
}

# The operations below are for integration admins: with CUSTOMER_GRAPH_API_TOKENS set, add the header
# {"authorization": "Bearer <token>"} in the Headers tab.

# Values the data-quality rules flagged (kept, never dropped), and where to fix them.
query DataQuality {
  dataQuality(type: "Customer") { field code crm issues records winning }
  qualityRules { name description }
}

# Which CRM field could fill which golden field ('Company' ~ 'Account', 'zip' ~ 'postalCode').
query MappingSuggestions {
  mappingSuggestions(type: "Customer", crm: "hubspot") {
    objectType
    fields { field mappedFrom proposed { nativeField score converter reasons } }
    unusedNativeFields { name label type custom }
  }
}

# Which fields clients asked for lately: check before removing or retyping one (BREAKING_CHANGE otherwise).
query FieldUsage {
  fieldUsage(type: "Customer", days: 30) { coordinate requests lastSeenAt clients }
}

# Services follow merged changes over WebSocket (graphql-ws) on this same URL. Run this, change a phone in a CRM
# (README: a curl to the HubSpot sandbox) and the new merged phone arrives here within a second or so.
subscription PhoneChanges {
  customerChanged(fields: ["phone"]) { customerId changedFields customer { firstName lastName phone } }
}
`;

/** The editor's web workers by the label Monaco asks for (file names as @graphql-yoga/graphiql ships them). */
const WORKER_FILES: Record<string, string> = {
  editorWorkerService: 'editor.worker.bundle.js',
  json: 'json.worker.bundle.js',
  graphql: 'graphql.worker..bundle.js',
};

function page(endpoint: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>customer-graph · GraphQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <link rel="stylesheet" href="${endpoint}/ide/graphiql.css" />
  <style>html, body, #ide { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="ide"></div>
  <script>
    // The editor's language services (autocompletion and validation against the schema, JSON for variables) run in
    // web workers the bundle does not locate by itself; they ship next to it, so they are served from here too.
    self.MonacoEnvironment = {
      globalAPI: false,
      getWorkerUrl: function (_moduleId, label) {
        var file = ${JSON.stringify(WORKER_FILES)}[label] || ${JSON.stringify(WORKER_FILES.editorWorkerService)};
        return ${JSON.stringify(`${endpoint}/ide/monacoeditorwork/`)} + file;
      },
    };
  </script>
  <script src="${endpoint}/ide/yoga-graphiql.umd.js"></script>
  <script>
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('ide'), {
      endpoint: ${JSON.stringify(endpoint)},
      // customerChanged runs over graphql-ws on the same path (gateway/subscriptions), not over HTTP.
      subscriptionsProtocol: 'WS',
      title: 'customer-graph',
      // GraphiQL 5 reads initialQuery/defaultTabs; older builds read defaultQuery.
      defaultQuery: ${JSON.stringify(EXAMPLE_OPERATIONS)},
      initialQuery: ${JSON.stringify(EXAMPLE_OPERATIONS)},
      defaultTabs: [{ query: ${JSON.stringify(EXAMPLE_OPERATIONS)} }],
    });
  </script>
</body>
</html>`;
}

/** Mounted at the GraphQL path before the GraphQL handler: answers browsers, passes everything else on. */
export function graphqlIde(endpoint = '/graphql'): Router {
  const router = express.Router();
  router.use('/ide', express.static(assetsDir, { maxAge: '1d', index: false }));
  router.get('/', (req: Request, res: Response, next: NextFunction) => {
    const wantsHtml = req.accepts(['application/json', 'text/html']) === 'text/html';
    if (!wantsHtml || req.query.query !== undefined) return next();
    res.type('html').send(page(endpoint));
  });
  return router;
}
