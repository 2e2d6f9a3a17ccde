// A tiny app using the Dapr state API over plain HTTP, as any language would.
// Run: npx daprts run --app-id hello -- node examples/hello/app.mjs
const dapr = `http://127.0.0.1:${process.env.DAPR_HTTP_PORT ?? 3500}/v1.0/state/statestore`;

const res = await fetch(`${dapr}/visits`);
const visits = res.status === 200 ? await res.json() : 0;

const save = await fetch(dapr, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify([{ key: 'visits', value: visits + 1 }]),
});
if (save.status !== 204) throw new Error(`save failed: ${save.status} ${await save.text()}`);

console.log(
  `Hello from ${process.env.APP_ID}: this app has run ${visits + 1} time(s); the count is kept in the state store "statestore".`,
);
