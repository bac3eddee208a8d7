import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./blockchain.handlers.ts";
import * as routes from "./blockchain.routes.ts";

export default createRouter()
  .openapi(routes.listBlocks, handlers.listBlocks)
  .openapi(routes.getBlock, handlers.getBlock)
  .openapi(routes.createBlock, handlers.createBlock)
  .openapi(routes.mine, handlers.mine)
  .openapi(routes.verifyChain, handlers.verifyChain)
  .openapi(routes.getWallet, handlers.getWallet)
  .openapi(routes.getBalance, handlers.getBalance)
  .openapi(routes.getBalanceHistory, handlers.getBalanceHistory)
  .openapi(routes.createTransaction, handlers.createTransaction)
  .openapi(routes.listTransactions, handlers.listTransactions)
  .openapi(routes.getTransaction, handlers.getTransaction)
  .openapi(routes.getStats, handlers.getStats)
  .openapi(routes.liveBlocks, handlers.liveBlocks);
