/**
 * @module `/docs`: a server-rendered list of the API's operations, read from the OpenAPI document,
 * so the page is useful offline and without JavaScript. When the Swagger UI bundle loads from its
 * CDN, `/docs/init.js` swaps the list for the interactive explorer.
 */
import { SWAGGER_CDN } from '../security.ts';
import { Layout } from './layout.tsx';

/** Pinned major version of swagger-ui-dist on the CDN. */
const SWAGGER_UI = `${SWAGGER_CDN}/npm/swagger-ui-dist@5`;

interface Operation {
  method: string;
  path: string;
  summary: string;
  description: string;
  tag: string;
  secured: boolean;
  responses: string[];
  /** Path and query parameters, so the offline page says how to call the route. */
  parameters: { name: string; in: string; description: string }[];
}

type RawParameter = { name?: string; in?: string; description?: string };

type Doc = { paths?: object };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operationsOf(document: Doc): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(
    (document.paths ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    for (const method of METHODS) {
      const op = item[method] as
        | {
            summary?: string;
            description?: string;
            tags?: string[];
            security?: unknown[];
            responses?: object;
            parameters?: RawParameter[];
          }
        | undefined;
      if (!op) continue;
      operations.push({
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? '',
        description: op.description ?? '',
        tag: op.tags?.[0] ?? 'other',
        secured: (op.security?.length ?? 0) > 0,
        responses: Object.keys(op.responses ?? {}),
        parameters: (op.parameters ?? []).map((parameter) => ({
          name: parameter.name ?? '',
          in: parameter.in ?? '',
          description: parameter.description ?? '',
        })),
      });
    }
  }
  return operations;
}

export function DocsPage(props: { organisation: string; document: Doc }) {
  const operations = operationsOf(props.document);
  const tags = [...new Set(operations.map((op) => op.tag))];
  return `<!doctype html>${(
    <Layout title="API" organisation={props.organisation}>
      <link rel="stylesheet" href={`${SWAGGER_UI}/swagger-ui.css`} />
      <h1>policy-watch API</h1>
      <p class="lead">
        JSON over HTTP. The machine-readable description is <a href="/openapi.json">/openapi.json</a> (OpenAPI
        3). Staff routes need <code>Authorization: Bearer &lt;staff key&gt;</code>.
      </p>
      <div id="operations">
        {tags.map((tag) => (
          <section aria-labelledby={`tag-${tag}`}>
            <h2 id={`tag-${tag}`}>{tag}</h2>
            {operations
              .filter((op) => op.tag === tag)
              .map((op) => (
                <div class="card">
                  <h3 class="op">
                    <span class="method">{op.method}</span> <code>{op.path}</code>
                  </h3>
                  <p>
                    {op.summary}
                    {op.secured ? ' (staff key)' : ''}
                  </p>
                  {op.description ? <p class="meta">{op.description}</p> : null}
                  {op.parameters.length > 0 ? (
                    <ul class="meta">
                      {op.parameters.map((parameter) => (
                        <li>
                          <code>{parameter.name}</code> ({parameter.in})
                          {parameter.description ? `: ${parameter.description}` : ''}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  <p class="meta">Responses: {op.responses.join(', ')}</p>
                </div>
              ))}
          </section>
        ))}
      </div>
      <div id="swagger-ui" />
      <script src={`${SWAGGER_UI}/swagger-ui-bundle.js`} crossorigin="anonymous" defer />
      <script src="/docs/init.js" defer />
    </Layout>
  )}`;
}
