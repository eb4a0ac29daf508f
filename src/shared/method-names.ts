/**
 * The names of every request method, for the tab-side facade. Kept apart from `methods.ts` so the
 * tab bundle does not carry the serializers and parsers (they run in the runtime). The `Record`
 * type makes the compiler reject a method added to `MethodMap` but missing here.
 */
import type { MethodName } from './methods';

const METHODS: Record<MethodName, true> = {
  getCustomer: true,
  startChat: true,
  sendEvent: true,
  listChats: true,
};

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];
