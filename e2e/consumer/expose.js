/**
 * Shared by the consumer pages, and a classic script so that the script-tag page needs no module:
 * starts the SDK with the settings in the page's query string (`server`, `organizationId`, an
 * optional `mode`) over the page's own options, and exposes it the way the demo does
 * (`window.sdk`, `window.sdkEvents`), so the tests read what a widget would see.
 */
window.exposeForTests = function exposeForTests(CustomerSDK, options) {
  const query = new URLSearchParams(location.search);
  const config = { ...options, organizationId: query.get('organizationId'), clientId: 'consumer-e2e', server: query.get('server') };
  if (query.has('mode')) config.mode = query.get('mode');
  window.CustomerSDK = CustomerSDK;
  window.sdkEvents = [];
  window.sdk = CustomerSDK.init(config);
  for (const name of ['customer_id', 'connected', 'disconnected', 'incoming_chat', 'incoming_event']) {
    window.sdk.on(name, (payload) => window.sdkEvents.push({ name, payload, at: performance.now() }));
  }
};
