import pkg from "../package.json";

export const APP_NAME = "BlackRoad OS API";
export const SERVICE_NAME = "blackroad-edge-api";
export const APP_VERSION: string = pkg.version;
