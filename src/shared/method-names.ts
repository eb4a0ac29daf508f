/**
 * The names of every request method, for the tab-side facade. Kept apart from the request table
 * (`src/protocol/method-table.ts`) so the tab bundle does not carry the serializers and parsers. The `Record`
 * type makes the compiler reject a method added to `MethodMap` but missing here.
 */
import type { MethodName } from './methods';

const METHODS: Record<MethodName, true> = {
  getCustomer: true,
  startChat: true,
  sendEvent: true,
  listChats: true,
  acceptGreeting: true,
  cancelGreeting: true,
  cancelRate: true,
  deactivateChat: true,
  deleteChatProperties: true,
  deleteEventProperties: true,
  deleteThreadProperties: true,
  getChat: true,
  getForm: true,
  getUrlInfo: true,
  listGroupStatuses: true,
  listThreads: true,
  markEventsAsSeen: true,
  rateChat: true,
  requestWelcomeMessage: true,
  resumeChat: true,
  sendGreetingButtonClicked: true,
  sendRichMessagePostback: true,
  setCustomerSessionFields: true,
  setSneakPeek: true,
  updateChatProperties: true,
  updateCustomer: true,
  updateCustomerPage: true,
  updateEventProperties: true,
  updateThreadProperties: true,
};

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];
