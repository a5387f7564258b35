import ShopTasks

print("the web app would enqueue ChargeOrder here")
