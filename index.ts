// The portal's environments and secrets: one Pulumi stack per tier (local, dev, staging, production).
// The program lives in components/portal.ts so the tests can run it under mocks.
import { portal } from "./components/portal";

const outputs = portal();

export const tier = outputs.tier;
export const regions = outputs.regions;
export const rotationSchedule = outputs.schedule;
export const roles = outputs.roles;
