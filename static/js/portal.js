// What htmx does with answers that are not a success.
//
// A form answered 400 (a mistake beside a field) or 409 (somebody saved first: their version
// and what you typed) is swapped in place like a success, so that the message is seen and
// nothing typed is lost. Any other failure leaves the page as it was and says why at the top:
// the portal's own message when it gave one (403: «Дорожная карта утверждена…»), else the
// status, else that the network failed.
(function () {
  "use strict";

  function notice(text) {
    var main = document.querySelector("main");
    if (!main) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "Закрыть");
    alert.appendChild(close);
    main.prepend(alert);
    alert.scrollIntoView({ block: "nearest" });
  }

  function portalMessage(html) {
    var found = new DOMParser().parseFromString(html || "", "text/html").querySelector("main p");
    return found ? found.textContent.trim() : "";
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var said = portalMessage(xhr.responseText);
    var what = {403: "Нет доступа.", 404: "Не найдено: страница устарела.", 500: "Ошибка на сервере."}[xhr.status];
    notice("Не сохранено. " + (said || what || "Ответ сервера: " + xhr.status + ".") + " Ваш текст остался в форме.");
  });
  document.addEventListener("htmx:sendError", function () {
    notice("Не сохранено: нет связи с порталом. Ваш текст остался в форме — попробуйте ещё раз.");
  });
})();
