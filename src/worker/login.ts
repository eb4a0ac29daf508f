/**
 * What the server hears of the customer: a token for the login (auth needs a page, so a live tab
 * is asked; the token stays in memory here), the login payload with the focused tab's page and
 * the app's customer data, and that page again whenever the focused tab's page changes.
 */
import type { TabHello } from '../shared/contract';
import { SdkError } from '../shared/errors';
import type { CustomerData, Page, Token } from '../shared/types';
import type { Json } from '../shared/validate';
import { SDK_VERSION } from '../shared/version';
import { customerDataFrom } from '../protocol/validate-data';
import { withTimeout, type Clock } from './clock';
import type { Logger } from './log';
import type { TabLink } from './tabs';

/** A token this close to expiry is replaced before a login, as the official SDK does. */
const TOKEN_REFRESH_MARGIN_MS = 60 * 60 * 1000;
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;
const CUSTOMER_DATA_TIMEOUT_MS = 2_000;

/** What the broker reads of a tab. */
export interface LoginTab {
  readonly tabId: string;
  readonly link: Pick<TabLink, 'getToken' | 'getCustomerData'>;
  readonly hello: Pick<TabHello, 'hasCustomerDataProvider' | 'page' | 'referrer'>;
  /** Attach order: the newest tab is asked for a token first. */
  readonly sequence: number;
  /** Called when the runtime lets go of the tab. */
  readonly onDetach: Set<() => void>;
}

export interface LoginBrokerDeps<T extends LoginTab> {
  tabs(): Iterable<T>;
  /** Whether the tab is still the one attached under its id. */
  isCurrent(tab: T): boolean;
  connected(): boolean;
  request(action: string, payload: Json): Promise<Json>;
  groupId: number;
  clock: Clock;
  log: Logger;
  /** How long a tab may take to hand over a token before another tab is asked. */
  tokenTimeoutMs: number;
}

export class LoginBroker<T extends LoginTab> {
  private token: Token | undefined;
  /** The page the server last heard about (login or update_customer_page), as JSON. */
  private sentPage: string | undefined;

  constructor(private readonly deps: LoginBrokerDeps<T>) {}

  /** The login payload, as `tab` (the one that speaks for the customer, if any) sees it. */
  async loginPayload(tab: T | undefined): Promise<Json> {
    const customer = tab?.hello.hasCustomerDataProvider ? await this.customerData(tab) : undefined;
    this.sentPage = tab?.hello.page ? JSON.stringify(tab.hello.page) : undefined;
    const payload: Json = {
      customer: customerDataToWire(customer),
      customer_side_storage: {},
      is_mobile: false,
      application: { name: 'livechat-multitab-sdk', version: SDK_VERSION },
      group_id: this.deps.groupId,
    };
    if (tab) payload.tab_id = tab.tabId;
    if (tab?.hello.page) payload.customer_page = { ...tab.hello.page };
    if (tab?.hello.referrer !== undefined) payload.referrer = tab.hello.referrer;
    return payload;
  }

  /** Tells the server which page the customer is on (the focused tab's), if it is not the one it heard of last. */
  reportPage(page: Page | undefined): void {
    if (!page || !this.deps.connected()) return;
    const key = JSON.stringify(page);
    if (key === this.sentPage) return;
    this.sentPage = key;
    this.deps.request('update_customer_page', { ...page }).catch((error: unknown) => {
      this.deps.log('debug', 'update_customer_page failed', error);
    });
  }

  /** The cached token while it is far from expiry, else one asked of the tabs, newest first. */
  async getToken(fresh: boolean): Promise<Token> {
    const cached = this.token;
    if (!fresh && cached && cached.creationDate + cached.expiresIn - this.deps.clock.now() > TOKEN_REFRESH_MARGIN_MS) {
      return cached;
    }
    let lastError: unknown = new SdkError('TOKEN_UNAVAILABLE', 'No tab is attached to provide a customer token.');
    const asked = new Set<T>();
    for (;;) {
      // Newest tabs first: a tab that just attached is the least likely to be frozen or gone. Picked
      // among the tabs attached now, so one that attached (or attached again) meanwhile is asked too.
      let tab: T | undefined;
      for (const candidate of this.deps.tabs()) if (!asked.has(candidate) && (!tab || candidate.sequence > tab.sequence)) tab = candidate;
      if (!tab) throw lastError;
      asked.add(tab);
      try {
        const token = await this.askToken(tab, fresh || cached !== undefined);
        this.token = token;
        return token;
      } catch (error) {
        const sdkError = SdkError.from(error, 'TOKEN_UNAVAILABLE');
        // The token service refused: another tab would only get the same answer.
        if (sdkError.code !== 'TOKEN_UNAVAILABLE' && sdkError.code !== 'RUNTIME_UNAVAILABLE') throw sdkError;
        lastError = sdkError;
        this.deps.log('warn', `Tab ${tab.tabId} could not provide a token; asking another`, sdkError.message);
      }
    }
  }

  /**
   * Runs the tab's `customerDataProvider` for the login about to be sent. A provider that fails
   * or a tab that does not answer in time costs the customer data of this login, never the login.
   */
  private async customerData(tab: T): Promise<CustomerData | undefined> {
    try {
      const data = await this.withTimeout(tab.link.getCustomerData(), CUSTOMER_DATA_TIMEOUT_MS);
      return data == null ? undefined : customerDataFrom(data);
    } catch (error) {
      this.deps.log('warn', `Tab ${tab.tabId} did not provide customer data; logging in without it`, error);
      return undefined;
    }
  }

  /**
   * A tab's token, bounded by the token timeout, and given up at once when the runtime lets go of
   * the tab: its link may never answer then (a released Comlink proxy settles nothing), and waiting
   * out the timeout would leave every tab without a connection that long. A dedicated-mode follower
   * attaches again on a new link when a leader takes over, often while its first attach's token
   * request is under way.
   */
  private askToken(tab: T, fresh: boolean): Promise<Token> {
    return new Promise<Token>((resolve, reject) => {
      const left = () => reject(new SdkError('TOKEN_UNAVAILABLE', `Tab ${tab.tabId} left before it handed over a token.`));
      if (!this.deps.isCurrent(tab)) return left();
      tab.onDetach.add(left);
      this.withTimeout(tab.link.getToken(fresh), this.deps.tokenTimeoutMs)
        .then(resolve, reject)
        .finally(() => tab.onDetach.delete(left));
    });
  }

  /** A call to a tab, bounded: a tab may be frozen or gone without a word. */
  private withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    return withTimeout(this.deps.clock, promise, ms, () => new SdkError('TOKEN_UNAVAILABLE', `The tab did not answer within ${ms} ms.`));
  }
}

function customerDataToWire(data: CustomerData | undefined): Json {
  if (!data) return {};
  const customer: Json = {};
  if (data.name !== undefined) customer.name = data.name;
  if (data.email !== undefined) customer.email = data.email;
  if (data.sessionFields) {
    customer.session_fields = Object.entries(data.sessionFields).map(([key, value]) => ({ [key]: value }));
  }
  return customer;
}
